// What a one-step admission answers when only a locked look at the counters can decide.
export const LOCKED_LOOK = Symbol('locked look');
