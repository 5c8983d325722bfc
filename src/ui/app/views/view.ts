/** A view draws into its root from the route's parameters and query, and returns how to stop (timers, streams). */
export type View = (root: HTMLElement, query: URLSearchParams, params: readonly string[]) => () => void;
