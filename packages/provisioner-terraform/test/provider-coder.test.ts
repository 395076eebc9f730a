import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serveProvider } from '../src/provider/index.js';
import { createTerraformWorkdir } from '../src/provider/testing/terraform-workdir.js';

// A template written the way Coder's documentation and starter templates write them (source
// coder/coder, coder_* types, Coder's attribute names) runs unchanged against Hangar's provider.
// Only the docker container is swapped for terraform_data, since the tests run offline.

const CODER_TEMPLATE = `
terraform {
  required_providers {
    coder = {
      source = "coder/coder"
    }
  }
}

locals {
  username = data.coder_workspace_owner.me.name
}

data "coder_provisioner" "me" {}
data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

data "coder_external_auth" "github" {
  id = "github"
}

data "coder_workspace_tags" "custom" {
  tags = {
    "cluster" = "eu-1"
  }
}

data "coder_parameter" "cpu" {
  name         = "cpu"
  display_name = "CPU"
  description  = "The number of CPU cores"
  default      = "2"
  icon         = "/icon/memory.svg"
  mutable      = true
  option {
    name  = "2 Cores"
    value = "2"
  }
  option {
    name  = "4 Cores"
    value = "4"
  }
}

data "coder_parameter" "home_disk_size" {
  name         = "home_disk_size"
  display_name = "Home disk size"
  description  = "The size of the home disk in GB"
  default      = "10"
  type         = "number"
  icon         = "/emojis/1f4be.png"
  mutable      = false
  validation {
    min = 1
    max = 99999
  }
}

resource "coder_agent" "main" {
  arch           = data.coder_provisioner.me.arch
  os             = "linux"
  startup_script = <<-EOT
    set -e
    echo "starting"
  EOT

  env = {
    GIT_AUTHOR_NAME     = coalesce(data.coder_workspace_owner.me.full_name, data.coder_workspace_owner.me.name)
    GIT_AUTHOR_EMAIL    = "\${data.coder_workspace_owner.me.email}"
    GIT_COMMITTER_NAME  = coalesce(data.coder_workspace_owner.me.full_name, data.coder_workspace_owner.me.name)
    GIT_COMMITTER_EMAIL = "\${data.coder_workspace_owner.me.email}"
  }

  metadata {
    display_name = "CPU Usage"
    key          = "0_cpu_usage"
    script       = "coder stat cpu"
    interval     = 10
    timeout      = 1
  }

  resources_monitoring {
    memory {
      enabled   = true
      threshold = 80
    }
    volume {
      path      = "/home/coder"
      enabled   = true
      threshold = 90
    }
  }

  metadata {
    display_name = "Home Disk"
    key          = "3_home_disk"
    script       = "coder stat disk --path $\${HOME}"
    interval     = 60
    timeout      = 1
  }
}

resource "coder_app" "code-server" {
  agent_id     = coder_agent.main.id
  slug         = "code-server"
  display_name = "code-server"
  url          = "http://localhost:13337/?folder=/home/\${local.username}"
  icon         = "/icon/code.svg"
  subdomain    = false
  share        = "owner"

  healthcheck {
    url       = "http://localhost:13337/healthz"
    interval  = 5
    threshold = 6
  }
}

resource "coder_script" "dotfiles" {
  agent_id     = coder_agent.main.id
  display_name = "Dotfiles"
  icon         = "/icon/dotfiles.svg"
  run_on_start = true
  script       = "echo dotfiles"
}

resource "coder_env" "welcome_message" {
  agent_id = coder_agent.main.id
  name     = "WELCOME_MESSAGE"
  value    = "Welcome to your Coder workspace!"
}

# Stands in for docker_container.workspace: consumes the agent's init script and token.
resource "terraform_data" "workspace" {
  count = data.coder_workspace.me.start_count
  input = {
    name       = "coder-\${data.coder_workspace_owner.me.name}-\${lower(data.coder_workspace.me.name)}"
    entrypoint = ["sh", "-c", replace(coder_agent.main.init_script, "/localhost|127\\\\.0\\\\.0\\\\.1/", "host.docker.internal")]
    env        = ["CODER_AGENT_TOKEN=\${coder_agent.main.token}", "GITHUB_TOKEN=\${data.coder_external_auth.github.access_token}"]
  }
  provisioner "local-exec" {
    command = "echo \${coder_agent.main.token} > token.txt"
  }
}

resource "coder_metadata" "container_info" {
  count       = data.coder_workspace.me.start_count
  resource_id = terraform_data.workspace[0].id
  item {
    key   = "cpu"
    value = data.coder_parameter.cpu.value
  }
  item {
    key   = "disk"
    value = "\${data.coder_parameter.home_disk_size.value} GiB"
  }
}
`;

test('a Coder starter template plans and applies against coder/coder', async () => {
  const tf = await createTerraformWorkdir({ 'main.tf': CODER_TEMPLATE });
  const provider = await serveProvider({
    context: {
      workspace: { name: 'MyWorkspace', accessUrl: 'http://localhost:3000' },
      owner: { name: 'bob', fullName: '', email: 'bob@example.com' },
      parameters: { cpu: '4' },
      externalAuthTokens: { github: 'gho_test' },
    },
  });
  try {
    const applied = await tf.run(['apply', '-auto-approve', '-no-color'], provider.env);
    assert.is(applied.code, 0, applied.stderr);
    const state = await tf.json<any>(['show', '-json'], provider.env);
    const resources: any[] = state.values.root_module.resources;
    const get = (address: string) => resources.find((r) => r.address === address)!.values;

    const agent = get('coder_agent.main');
    const token = (await readFile(join(tf.dir, 'token.txt'), 'utf8')).trim();
    assert.is(token, agent.token, 'the compute resource received the agent token');
    assert.is(agent.env.GIT_AUTHOR_NAME, 'bob', 'coalesce falls back to the username');
    assert.is(agent.metadata.length, 2);
    assert.equal(agent.resources_monitoring[0].volume[0], { path: '/home/coder', enabled: true, threshold: 90 });
    const vm = get('terraform_data.workspace[0]');
    assert.match(vm.input.entrypoint[2], 'http://host.docker.internal:3000/api/v2/agent/binary?os=linux');
    assert.is(vm.input.name, 'coder-bob-myworkspace');
    assert.is(vm.input.env[1], 'GITHUB_TOKEN=gho_test');
    assert.equal(get('data.coder_workspace_tags.custom').tags, { cluster: 'eu-1' });
    assert.is(get('coder_app.code-server').share, 'owner');
    assert.is(get('coder_script.dotfiles').run_on_start, true);
    assert.is(get('coder_env.welcome_message').agent_id, agent.id);
    const items = get('coder_metadata.container_info[0]').item;
    assert.equal(items.map((i: any) => i.value), ['4', '10 GiB']);
    assert.is(get('data.coder_workspace.me').start_count, 1);
    assert.is(get('data.coder_workspace.me').is_prebuild, false);
    assert.is(get('data.coder_parameter.home_disk_size').value, '10');
    assert.ok(['amd64', 'arm64'].includes(get('data.coder_provisioner.me').arch));
  } finally {
    await provider.close();
    await tf.dispose();
  }
});

test('coder/coder serves coder_* only and hangar/hangar hangar_* only', async () => {
  const tf = await createTerraformWorkdir({
    'main.tf': `
terraform {
  required_providers {
    coder  = { source = "coder/coder" }
    hangar = { source = "hangar/hangar" }
  }
}
resource "hangar_agent" "wrong" {
  provider = coder
  os       = "linux"
  arch     = "amd64"
}
data "coder_workspace" "wrong" {
  provider = hangar
}
`,
  });
  const provider = await serveProvider({ context: {} });
  try {
    const plan = await tf.run(['plan', '-no-color'], provider.env);
    assert.is(plan.code, 1);
    const text = plan.stderr.replace(/\s+/g, ' ');
    assert.match(text, 'The provider coder/coder does not support resource type "hangar_agent"');
    assert.match(text, 'The provider hangar/hangar does not support data source "coder_workspace"');
  } finally {
    await provider.close();
    await tf.dispose();
  }
});

test.run();
