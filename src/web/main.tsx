import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { forgetStoredToken } from './api/session.ts';
import { App } from './app.tsx';
import { getTabConnection } from './lib/connection-context.tsx';
import './styles/app.css';
import './styles/code-highlight.css';
import './styles/workspace.css';

forgetStoredToken();
const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
createRoot(root).render(
  <StrictMode>
    <App manager={getTabConnection()} />
  </StrictMode>,
);
