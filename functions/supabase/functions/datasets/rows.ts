import type { Transaction } from '../_shared/db.ts';
import { notFound } from '../_shared/http.ts';

/** A dataset's columns as a client sees them (never the upload's nonce). */
export const COLUMNS =
  'id, tenant_id, name, file, content_type, declared_bytes, status, bytes, width, height, band_count, data_type, epsg, error, created_at, updated_at';

export interface DatasetRow {
  id: string;
  tenant_id: string;
  file: string;
  status: string;
  declared_bytes: string | number;
}

/**
 * The dataset, when the caller's tenant may see it (row-level security decides).
 * @throws ApiError 404 otherwise
 */
export async function visibleDataset(tx: Transaction, id: string): Promise<DatasetRow> {
  const [row] = await tx.unsafe<DatasetRow[]>(
    `select ${COLUMNS} from public.datasets where id = $1`,
    [id],
  );
  if (!row) throw notFound(`dataset ${id}`);
  return row;
}
