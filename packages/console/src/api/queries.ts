// Server state, only through these hooks over the typed client: each page's data refreshes on an interval.
import { useMutation, useQuery, useQueryClient, keepPreviousData } from '@tanstack/react-query';
import { ROUTES, type RouteInput, type RouteOutput, type RouteSpec } from '@genops/processor/api';
import { useSession } from './session.js';

/** How often the open page refreshes its data. */
export const REFRESH_MS = 15_000;

export function useRoute<R extends RouteSpec>(
  route: R,
  input?: RouteInput<R>,
  options: { enabled?: boolean } = {},
) {
  const { client, token } = useSession();
  return useQuery({
    queryKey: [route.method, route.path, input ?? null, token ?? null],
    queryFn: () => client.call(route, input) as Promise<RouteOutput<R>>,
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export const useSessionInfo = () => {
  const { client, token } = useSession();
  return useQuery({
    queryKey: ['session', token ?? null],
    queryFn: () => client.call(ROUTES.getSession),
    retry: false,
    staleTime: 60_000,
  });
};

/** A change through the API; on success every query refetches (budgets, reports and enforcement move together). */
export function useChange<R extends RouteSpec>(route: R) {
  const { client } = useSession();
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (input: RouteInput<R>) => client.call(route, input) as Promise<RouteOutput<R>>,
    onSuccess: () => queries.invalidateQueries(),
  });
}
