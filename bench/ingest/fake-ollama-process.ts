/** The fake Ollama in its own process, so that its work does not count as the server's event-loop delay. */
import { FakeOllama } from '../../test/support/fake-ollama.ts';

const ollama = await new FakeOllama().start();
process.send?.({ url: ollama.url });
process.on('message', (message) => {
  if (message === 'count') process.send?.({ embedRequests: ollama.requests.filter((request) => request.path === '/api/embed').length });
});
process.on('disconnect', () => void ollama.stop().then(() => process.exit(0)));
