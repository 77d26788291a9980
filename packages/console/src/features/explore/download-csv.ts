// Saves the API's CSV of exactly the query on screen (the same groups; the CSV keeps the API's order).
import { ROUTES, type ApiClient } from '@genops/processor/api';

export async function downloadCsv(
  client: ApiClient,
  query: Record<string, string>,
  name: string,
): Promise<void> {
  const csv = await client.text(ROUTES.getCostReport, { query: { ...query, format: 'csv' } });
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
