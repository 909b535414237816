import { Link, paths } from '../lib/router.tsx';

/** Server messages that send the user to download a model ("… pull it first", "download it first"). */
const DOWNLOAD_HINT = /\b(pull|download) it first\b|not installed|not available in Ollama/i;

/** A message as the server wrote it, with a link to Settings › Models when it asks for a download. */
export function ModelHintText({ text }: { text: string }) {
  if (!DOWNLOAD_HINT.test(text)) return <>{text}</>;
  return (
    <>
      {text} <Link to={paths.models()}>Download models in Settings</Link>
    </>
  );
}
