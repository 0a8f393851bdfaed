// Entry of the designer and rep app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installCsrfHeader } from './auth/installCsrfHeader';
import { SignInGate } from './auth/SignInGate';
import './styles.css';

installCsrfHeader();
const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <SignInGate>
      <App />
    </SignInGate>
  </StrictMode>,
);
