// Sign in with an API token (the same tokens as the API); it is kept for this tab only.
import { useState } from 'react';
import { useSession } from '../../api/session.js';

export function SignIn({ rejected }: { rejected: boolean }) {
  const { signIn } = useSession();
  const [token, setToken] = useState('');
  return (
    <main className="sign-in">
      <h1>GenOps</h1>
      <form
        aria-label="Sign in"
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) signIn(token.trim());
        }}
      >
        <p>This processor requires an API token (one of GENOPS_API_TOKENS). It is kept for this tab only.</p>
        <label>
          API token{' '}
          <input
            type="password"
            autoComplete="current-password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            required
          />
        </label>
        {rejected && (
          <p className="field-error" role="alert">
            That token was not accepted.
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
