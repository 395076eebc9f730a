import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** A stored template archive, addressed by the SHA-256 of its (normalised tar) bytes. */
export const FileSchema = defineEntity({
  name: 'HangarFile',
  tableName: 'hangar_files',
  properties: {
    hash: p.string().primary(),
    mimetype: p.string(),
    size: p.integer(),
    data: p.blob().lazy(),
    createdAt: p.datetime().fieldName('created_at').onCreate(() => new Date()),
    createdBy: p.uuid().fieldName('created_by').nullable(),
  },
});

/** A row of `hangar_files`. */
export type FileRecord = InferEntity<typeof FileSchema>;
