const Sequencer = require('@jest/test-sequencer').default;

/**
 * Scenario files run in the order of their names (01-…, 02-…): the last one
 * reads the logs every earlier scenario wrote. Jest's default order (slowest
 * first, from its cache) would make that depend on the previous run.
 */
class ByFileName extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

module.exports = ByFileName;
