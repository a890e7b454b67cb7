import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ClusterOverview } from './cluster';
import { QueryList } from './query-list';
import { QueryPage } from './query-page';
import './styles.css';

/** Routes live in the hash (`#/queries/<id>`), so the server has one page to serve. */
function useRoute(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return hash.replace(/^#/, '') || '/';
}

function App() {
  const route = useRoute();
  const query = /^\/queries\/([A-Za-z0-9_-]{1,128})$/.exec(route);
  return (
    <>
      <header class="top">
        <a href="#/" class="brand">
          quarry
        </a>
        <span class="subtitle">fault-tolerant SQL · cluster and queries</span>
      </header>
      <main>
        {query ? (
          <QueryPage queryId={query[1]!} />
        ) : route === '/' ? (
          <>
            <ClusterOverview />
            <QueryList />
          </>
        ) : (
          <p class="error">No such page: {route}</p>
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
