import type { DataSourceDef } from '../schema/schema-types.js';

/**
 * `data.hangar_workspace_tags` / `data.coder_workspace_tags`: tags that route the build to
 * provisioner daemons. The provider only carries them; the server reads them from the plan.
 */
export const workspaceTagsDataSource: DataSourceDef = {
  name: 'workspace_tags',
  schema: {
    description: 'Tags that select which provisioner daemons may run the workspace builds.',
    attributes: {
      id: { type: 'string', computed: true, description: 'Constant ID.' },
      tags: { type: ['map', 'string'], optional: true, description: 'Tag name to value.' },
    },
  },
  read(state) {
    state.id = 'workspace-tags';
    return [];
  },
};
