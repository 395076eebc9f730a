terraform {
  required_providers {
    hangar = {
      source = "hangar/hangar"
    }
  }
}

variable "workspaces_dir" {
  type        = string
  default     = ""
  description = "Directory on the Hangar server's machine that holds every workspace as <owner>/<workspace>/. Empty means ~/.local/share/hangar/workspaces of the user Hangar runs as."
}

data "hangar_workspace" "me" {}
data "hangar_workspace_owner" "me" {}
data "hangar_provisioner" "me" {}

data "hangar_parameter" "dotfiles_url" {
  name         = "dotfiles_url"
  display_name = "Dotfiles repository"
  description  = "A Git repository cloned into ~/.dotfiles when the workspace first starts, and installed with its install.sh if it has one. Leave empty to skip."
  type         = "string"
  default      = ""
  mutable      = true
  icon         = "/icon/git.svg"
  order        = 1
  validation {
    regex = "^$|^(https://|git@)[A-Za-z0-9@:/._~%+-]+$"
    error = "Give an https:// or git@ URL of a Git repository, or leave it empty."
  }
}

data "hangar_parameter" "cpus" {
  name         = "cpus"
  display_name = "Build parallelism"
  description  = "How many jobs builds run at once (MAKEFLAGS=-jN). A local workspace shares the server's CPUs; this does not reserve any."
  type         = "number"
  default      = "2"
  mutable      = true
  icon         = "/icon/memory.svg"
  order        = 2
  validation {
    min = 1
    max = 16
  }
}

locals {
  workspaces_dir = var.workspaces_dir != "" ? var.workspaces_dir : pathexpand("~/.local/share/hangar/workspaces")
  workspace_dir  = "${local.workspaces_dir}/${data.hangar_workspace_owner.me.name}/${data.hangar_workspace.me.name}"
}

# The home directory: created on the first start and kept across stops (it has no count, so a
# stop leaves it alone). Deleting the workspace removes the whole workspace directory.
resource "terraform_data" "home" {
  input = "${local.workspace_dir}/home"

  # The path is fixed at creation: a renamed workspace keeps its files where they are.
  lifecycle {
    ignore_changes = [input]
  }

  provisioner "local-exec" {
    command = "mkdir -p \"$HOME_DIR\" && chmod 700 \"$HOME_DIR\""
    environment = {
      HOME_DIR = self.output
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = <<-EOT
      case "$WORKSPACE_DIR" in
        ""|/) echo "refusing to remove '$WORKSPACE_DIR'" >&2; exit 1 ;;
      esac
      rm -rf -- "$WORKSPACE_DIR"
      echo "removed $WORKSPACE_DIR"
    EOT
    environment = {
      WORKSPACE_DIR = dirname(self.output)
    }
  }
}

resource "hangar_metadata" "home" {
  resource_id = terraform_data.home.id
  icon        = "/icon/folder.svg"
  item {
    key   = "path"
    value = terraform_data.home.output
  }
}

resource "hangar_agent" "main" {
  os   = data.hangar_provisioner.me.os
  arch = data.hangar_provisioner.me.arch
  dir  = terraform_data.home.output
  env = {
    MAKEFLAGS = "-j${data.hangar_parameter.cpus.value}"
  }
  metadata {
    key          = "home_size"
    display_name = "Home size"
    script       = "du -sh \"$HOME\" 2>/dev/null | cut -f1"
    interval     = 60
    timeout      = 10
  }
}

resource "hangar_script" "dotfiles" {
  count        = data.hangar_parameter.dotfiles_url.value == "" ? 0 : 1
  agent_id     = hangar_agent.main.id
  display_name = "Dotfiles"
  icon         = "/icon/git.svg"
  run_on_start = true
  script       = <<-EOT
    set -e
    if [ ! -d "$HOME/.dotfiles" ]; then
      git clone --depth 1 '${data.hangar_parameter.dotfiles_url.value}' "$HOME/.dotfiles"
      if [ -x "$HOME/.dotfiles/install.sh" ]; then (cd "$HOME/.dotfiles" && ./install.sh); fi
    fi
  EOT
}

# The agent process: it runs only while the workspace is started (count = start_count, so a
# stop destroys it). It runs the agent's init script, which downloads the agent from the Hangar
# server and starts it with its token; see README.md for what happens before the server offers
# an agent to download.
resource "terraform_data" "agent_process" {
  count = data.hangar_workspace.me.start_count

  # A new agent (and so a new token) or another init script restarts the process.
  triggers_replace = [hangar_agent.main.id, sha256(hangar_agent.main.init_script)]
  input = {
    agent_dir = "${dirname(terraform_data.home.output)}/agent"
  }

  provisioner "local-exec" {
    command = <<-EOT
      set -eu
      umask 077
      mkdir -p "$AGENT_DIR/bin"
      printf '%s\n' "$HANGAR_AGENT_TOKEN" > "$AGENT_DIR/token"
      printf '%s' "$HANGAR_INIT_SCRIPT" > "$AGENT_DIR/init.sh"
      cat > "$AGENT_DIR/run.sh" <<'RUN'
      #!/bin/sh
      # Keeps this workspace's agent running until the workspace stops. The init script downloads
      # the agent from the Hangar server and replaces itself with it; until the server offers an
      # agent it keeps retrying the download, so this process stays up either way.
      echo $$ > "$AGENT_DIR/pid"
      cd "$HOME"
      while :; do
        sh "$AGENT_DIR/init.sh" || true
        echo "hangar: the agent exited; starting it again in 5 s" >&2
        sleep 5
      done
      RUN
      rm -f "$AGENT_DIR/pid"
      launch=""
      if command -v setsid >/dev/null 2>&1; then launch="setsid"; fi
      # A clean environment: terraform's (template variables included) stays out of the workspace.
      env -i PATH="$PATH" HOME="$WORKSPACE_HOME" USER="$(id -un)" LANG="$${LANG:-C.UTF-8}" \
        AGENT_DIR="$AGENT_DIR" HANGAR_AGENT_DIR="$AGENT_DIR/bin" HANGAR_AGENT_TOKEN="$HANGAR_AGENT_TOKEN" \
        $launch sh "$AGENT_DIR/run.sh" </dev/null >>"$AGENT_DIR/agent.log" 2>&1 &
      i=0
      while [ ! -s "$AGENT_DIR/pid" ]; do
        i=$((i + 1))
        if [ "$i" -gt 100 ]; then echo "the agent did not start; see $AGENT_DIR/agent.log" >&2; exit 1; fi
        sleep 0.1
      done
      echo "agent started (pid $(cat "$AGENT_DIR/pid")); its log is $AGENT_DIR/agent.log"
    EOT
    environment = {
      AGENT_DIR          = self.input.agent_dir
      WORKSPACE_HOME     = terraform_data.home.output
      HANGAR_AGENT_TOKEN = hangar_agent.main.token
      HANGAR_INIT_SCRIPT = hangar_agent.main.init_script
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = <<-EOT
      pidfile="$AGENT_DIR/pid"
      if [ -s "$pidfile" ]; then
        pid=$(cat "$pidfile")
        # Signal it only if the pid is still this workspace's agent: pids get reused.
        if ps -o args= -p "$pid" 2>/dev/null | grep -qF "$AGENT_DIR/run.sh"; then
          kill -TERM "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
          i=0
          while [ "$i" -lt 50 ] && ps -o stat= -p "$pid" 2>/dev/null | grep -qv Z; do
            i=$((i + 1))
            sleep 0.1
          done
          kill -KILL "-$pid" 2>/dev/null || true
          echo "agent stopped (pid $pid)"
        fi
      fi
      rm -f "$pidfile" "$AGENT_DIR/token"
    EOT
    environment = {
      AGENT_DIR = self.input.agent_dir
    }
  }
}
