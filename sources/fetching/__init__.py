"""Parts of the source fetcher. Callers use `sources.fetcher`, which is the only public entry."""
