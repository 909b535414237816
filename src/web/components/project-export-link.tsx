import { DownloadIcon } from './icons.tsx';

/**
 * "Export project": the whole project as one archive. A plain link: the browser downloads the
 * streamed zip itself (with its own progress), and the session cookie authenticates it in token mode.
 */
export function ProjectExportLink({ projectId }: { projectId: number }) {
  return (
    <a
      href={`/api/projects/${projectId}/export`}
      download
      className="button"
      title="Download the documents, passages, vectors and chats as one file"
    >
      <DownloadIcon /> Export project
    </a>
  );
}
