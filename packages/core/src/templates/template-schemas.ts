import { Type } from '@sinclair/typebox';

const Uuid = Type.String({ format: 'uuid' });
const Name = Type.String({ pattern: '^[a-zA-Z0-9](?:[a-zA-Z0-9_-]{0,62}[a-zA-Z0-9])?$', description: '1–64 letters, digits, _ and -' });

/** Path parameter `:organization` (id or name). */
export const OrganizationParams = Type.Object({ organization: Type.String({ minLength: 1, maxLength: 64 }) });
/** Path parameter `:id` of a template or version. */
export const IdParams = Type.Object({ id: Uuid });

/** Body of `POST /organizations/:organization/templateversions`. */
export const CreateVersionBody = Type.Object({
  file_id: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'The hash returned by POST /api/v2/files.' }),
  provisioner: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.Optional(Name),
  message: Type.Optional(Type.String({ maxLength: 1048 })),
  template_id: Type.Optional(Uuid),
  user_variable_values: Type.Optional(Type.Array(Type.Object({ name: Type.String({ minLength: 1 }), value: Type.String() }), { maxItems: 500 })),
  tags: Type.Optional(Type.Record(Type.String({ pattern: '^[a-zA-Z0-9_.-]{1,64}$' }), Type.String({ maxLength: 256 }))),
});

/** Body of `POST /organizations/:organization/templates`. */
export const CreateTemplateBody = Type.Object({
  name: Name,
  display_name: Type.Optional(Type.String({ maxLength: 64 })),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  icon: Type.Optional(Type.String({ maxLength: 256 })),
  template_version_id: Uuid,
});

/** Body of `PATCH /templates/:id`. */
export const UpdateTemplateBody = Type.Object({
  name: Type.Optional(Name),
  display_name: Type.Optional(Type.String({ maxLength: 64 })),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  icon: Type.Optional(Type.String({ maxLength: 256 })),
});

/** Body of `PATCH /templates/:id/versions` (promote). */
export const PromoteBody = Type.Object({ id: Uuid });

/** A provisioner job as shown with versions and builds. */
export const JobView = Type.Object({
  id: Uuid,
  status: Type.String(),
  error: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  started_at: Type.Union([Type.String(), Type.Null()]),
  completed_at: Type.Union([Type.String(), Type.Null()]),
});

/** A template version. */
export const VersionView = Type.Object({
  id: Uuid,
  template_id: Type.Union([Uuid, Type.Null()]),
  organization_id: Uuid,
  name: Type.String(),
  message: Type.String(),
  readme: Type.String(),
  provisioner: Type.String(),
  file_id: Type.String(),
  created_by: Uuid,
  created_at: Type.String(),
  updated_at: Type.String(),
  job: JobView,
});

/** A template. */
export const TemplateView = Type.Object({
  id: Uuid,
  organization_id: Uuid,
  name: Type.String(),
  display_name: Type.String(),
  description: Type.String(),
  icon: Type.String(),
  provisioner: Type.String(),
  active_version_id: Uuid,
  created_by: Uuid,
  created_at: Type.String(),
  updated_at: Type.String(),
});
