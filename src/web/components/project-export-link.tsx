import { ApiFileLink } from './api-file-link.tsx';
import { DownloadIcon } from './icons.tsx';

/**
 * "Export project": the whole project as one archive. The browser downloads the streamed zip itself
 * (its own download progress), through ApiFileLink so that it also works with an API token.
 */
export function ProjectExportLink({ projectId }: { projectId: number }) {
  return (
    <ApiFileLink href={`/api/projects/${projectId}/export`} download className="button" title="Download the documents, passages, vectors and chats as one file">
      <DownloadIcon /> Export project
    </ApiFileLink>
  );
}
