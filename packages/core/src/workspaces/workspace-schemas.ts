import { Type } from '@sinclair/typebox';
import { workspaceStatuses } from './workspace-status.js';

const uuid = Type.String({ format: 'uuid' });
const time = Type.String({ format: 'date-time' });
const nullableTime = Type.Union([time, Type.Null()]);

/** A parameter value in a request or a response (Coder's `rich_parameter_values` item). */
export const ParameterValueSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 128 }),
  value: Type.String({ maxLength: 65_536 }),
});

/** Body of `POST /api/v2/organizations/:organization/members/:user/workspaces`. */
export const CreateWorkspaceBody = Type.Object({
  name: Type.String({ maxLength: 128, description: 'Lowercase letters, digits and hyphens; at most 32 characters.' }),
  template_id: Type.Optional(uuid),
  template_version_id: Type.Optional(Type.String({ format: 'uuid', description: 'Build this version instead of the template\'s active one.' })),
  rich_parameter_values: Type.Optional(Type.Array(ParameterValueSchema, { maxItems: 256 })),
});

/** Body of `PATCH /api/v2/workspaces/:workspace`. */
export const UpdateWorkspaceBody = Type.Object({ name: Type.String({ maxLength: 128 }) });

/** Body of `POST /api/v2/workspaces/:workspace/builds`. */
export const CreateBuildBody = Type.Object({
  transition: Type.Union([Type.Literal('start'), Type.Literal('stop'), Type.Literal('delete')]),
  template_version_id: Type.Optional(uuid),
  rich_parameter_values: Type.Optional(Type.Array(ParameterValueSchema, { maxItems: 256 })),
  orphan: Type.Optional(Type.Boolean({ description: 'With `delete`: delete without running the provisioner (leaves the infrastructure behind).' })),
});

/** The job behind a build, with its place in the queue while pending. */
export const BuildJobSchema = Type.Object({
  id: uuid,
  status: Type.String({ description: 'pending, running, succeeded, canceling, canceled or failed.' }),
  error: Type.Union([Type.String(), Type.Null()]),
  error_code: Type.Union([Type.String(), Type.Null()]),
  created_at: time,
  started_at: nullableTime,
  completed_at: nullableTime,
  canceled_at: nullableTime,
  worker_id: Type.Union([uuid, Type.Null()]),
  queue_position: Type.Integer({ description: '1 for the next job to run; 0 once the job left the queue.' }),
  queue_size: Type.Integer({ description: 'Jobs waiting in the queue (0 once this one left it).' }),
});

/** An app of an agent. */
export const AppSchema = Type.Object({
  id: uuid,
  slug: Type.String(),
  display_name: Type.String(),
  url: Type.String(),
  command: Type.String(),
  icon: Type.String(),
  subdomain: Type.Boolean(),
  sharing_level: Type.String(),
  external: Type.Boolean(),
  hidden: Type.Boolean(),
  healthcheck: Type.Union([Type.Object({ url: Type.String(), interval: Type.Integer(), threshold: Type.Integer() }), Type.Null()]),
});

/** An agent of a resource (its auth token is never shown). */
export const AgentSchema = Type.Object({
  id: uuid,
  name: Type.String(),
  operating_system: Type.String(),
  architecture: Type.String(),
  directory: Type.String(),
  environment_variables: Type.Record(Type.String(), Type.String()),
  connection_timeout_seconds: Type.Integer(),
  troubleshooting_url: Type.String(),
  created_at: time,
  scripts: Type.Array(Type.Object({
    display_name: Type.String(),
    icon: Type.String(),
    script: Type.String(),
    cron: Type.String(),
    run_on_start: Type.Boolean(),
    run_on_stop: Type.Boolean(),
    start_blocks_login: Type.Boolean(),
    timeout_seconds: Type.Integer(),
  })),
  metadata: Type.Array(Type.Object({ key: Type.String(), display_name: Type.String(), script: Type.String(), interval: Type.Integer(), timeout: Type.Integer() })),
  display_apps: Type.Array(Type.String()),
  apps: Type.Array(AppSchema),
});

/** A resource a build produced. */
export const ResourceSchema = Type.Object({
  id: uuid,
  build_id: uuid,
  created_at: time,
  name: Type.String(),
  type: Type.String(),
  module_path: Type.String(),
  persistent: Type.Boolean(),
  hide: Type.Boolean(),
  icon: Type.String(),
  daily_cost: Type.Integer(),
  metadata: Type.Array(Type.Object({ key: Type.String(), value: Type.Union([Type.String(), Type.Null()]), sensitive: Type.Boolean() })),
  agents: Type.Array(AgentSchema),
});

/** A workspace build as the API shows it. */
export const BuildSchema = Type.Object({
  id: uuid,
  created_at: time,
  updated_at: time,
  workspace_id: uuid,
  workspace_name: Type.String(),
  workspace_owner_id: uuid,
  workspace_owner_name: Type.String(),
  template_version_id: uuid,
  template_version_name: Type.String(),
  build_number: Type.Integer(),
  transition: Type.String(),
  initiator_id: Type.Union([uuid, Type.Null()]),
  initiator_name: Type.String(),
  reason: Type.String(),
  status: Type.Union(workspaceStatuses.map((status) => Type.Literal(status)), { description: 'The workspace status this build gives.' }),
  job: BuildJobSchema,
  resources: Type.Array(ResourceSchema),
  daily_cost: Type.Integer(),
});

/** A workspace as the API shows it, with its latest build. */
export const WorkspaceWireSchema = Type.Object({
  id: uuid,
  created_at: time,
  updated_at: time,
  name: Type.String(),
  owner_id: uuid,
  owner_name: Type.String(),
  organization_id: uuid,
  template_id: uuid,
  template_name: Type.String(),
  template_display_name: Type.String(),
  template_icon: Type.String(),
  template_active_version_id: uuid,
  outdated: Type.Boolean({ description: 'The latest build used another version than the template\'s active one.' }),
  deleted: Type.Boolean(),
  latest_build: BuildSchema,
});

/** A page of workspaces. */
export const WorkspacePageSchema = Type.Object({
  workspaces: Type.Array(WorkspaceWireSchema),
  count: Type.Integer({ description: 'Workspaces matching the search, over all pages.' }),
});


/** `:workspace` in a path. */
export const WorkspaceParams = Type.Object({ workspace: uuid });
/** `:build` in a path. */
export const BuildParams = Type.Object({ build: uuid });
