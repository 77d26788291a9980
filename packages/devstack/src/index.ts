export { startFakeOpenRouter, fakeCost, fakeUsage } from './fakes/fake-openrouter.js';
export type {
  FakeOpenRouter,
  FakeOpenRouterOptions,
  FakePrice,
  RecordedRequest,
} from './fakes/fake-openrouter.js';
