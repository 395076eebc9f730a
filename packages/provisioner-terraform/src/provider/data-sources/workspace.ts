import type { DataSourceDef } from '../schema/schema-types.js';

/** `data.hangar_workspace` / `data.coder_workspace`: the workspace being built. */
export const workspaceDataSource: DataSourceDef = {
  name: 'workspace',
  schema: {
    description: 'The workspace this build is for.',
    attributes: {
      id: { type: 'string', computed: true, description: 'Workspace ID.' },
      name: { type: 'string', computed: true, description: 'Workspace name.' },
      transition: { type: 'string', computed: true, description: 'What the build does: start, stop or delete.' },
      start_count: { type: 'number', computed: true, description: '1 when the transition is start, else 0; use it as count of what only runs while started.' },
      access_url: { type: 'string', computed: true, description: 'URL of the server as the workspace reaches it.' },
      access_port: { type: 'number', computed: true, description: 'Port of access_url.' },
      template_id: { type: 'string', computed: true, description: 'Template ID.' },
      template_name: { type: 'string', computed: true, description: 'Template name.' },
      template_version: { type: 'string', computed: true, description: 'Template version name.' },
      is_prebuild: { type: 'bool', computed: true, only: 'coder', description: 'Always false: Hangar has no prebuilds.' },
      prebuild_count: { type: 'number', computed: true, only: 'coder', description: 'Always 0: Hangar has no prebuilds.' },
    },
  },
  read(state, { flavour, build }) {
    const ws = build.context.workspace;
    Object.assign(state, {
      id: ws.id,
      name: ws.name,
      transition: ws.transition,
      start_count: ws.transition === 'start' ? 1 : 0,
      access_url: build.accessUrl,
      access_port: portOf(build.accessUrl),
      template_id: ws.templateId,
      template_name: ws.templateName,
      template_version: ws.templateVersion,
    });
    if (flavour === 'coder') Object.assign(state, { is_prebuild: false, prebuild_count: 0 });
    return [];
  },
};

function portOf(url: string): number {
  try {
    const parsed = new URL(url);
    if (parsed.port) return Number(parsed.port);
    return parsed.protocol === 'https:' ? 443 : 80;
  } catch {
    return 0;
  }
}
