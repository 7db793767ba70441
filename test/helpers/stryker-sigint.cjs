/* global process */
// Preloaded after Stryker's tap-runner hook (stryker.config.mjs, trainer target). The hook exits
// the process on SIGINT, but the trainer tests send SIGINT to their own process to check that
// training stops cleanly; without the hook's listener Node delivers the signal to the trainer's.
// The hook still writes its coverage report from its 'exit' listener.
process.removeAllListeners('SIGINT');
