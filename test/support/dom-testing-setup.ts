/**
 * Component tests run next to server tests on two cores: `findBy…`/`waitFor` get 5 s instead of
 * Testing Library's 1 s, so a busy machine does not fail a test that waits for something that comes.
 * Only jsdom tests load Testing Library; node tests skip it.
 */
if (typeof window !== 'undefined') {
  const { configure } = await import('@testing-library/react');
  configure({ asyncUtilTimeout: 5_000 });
}
