/// Test vectors from the real LAVA 2023.01 captures in shared/spec/captures-2023.01, copied here so
/// the tests do not depend on files outside the package.
enum CaptureFixtures {
    /// The `lines` form field of POST-jobs-ID-logs-chunk2.txt (index 173, answered {"line_count": 20}).
    static let logLines = #"""
- {"dt": "2026-11-24T22:46:13.208235", "lvl": "target", "msg": "+ echo tick 5"}
- {"dt": "2026-11-24T22:46:13.208419", "lvl": "target", "msg": "tick 5"}
- {"dt": "2026-11-24T22:46:13.208597", "lvl": "target", "msg": "+ sleep 1"}
- {"dt": "2026-11-24T22:46:14.209414", "lvl": "target", "msg": "+ for i in $(seq 1 12)"}
- {"dt": "2026-11-24T22:46:14.210250", "lvl": "target", "msg": "+ echo tick 6"}
- {"dt": "2026-11-24T22:46:14.210442", "lvl": "target", "msg": "tick 6"}
- {"dt": "2026-11-24T22:46:14.210652", "lvl": "target", "msg": "+ sleep 1"}
- {"dt": "2026-11-24T22:46:15.212214", "lvl": "target", "msg": "+ for i in $(seq 1 12)"}
- {"dt": "2026-11-24T22:46:15.212633", "lvl": "target", "msg": "+ echo tick 7"}
- {"dt": "2026-11-24T22:46:15.212791", "lvl": "target", "msg": "tick 7"}
- {"dt": "2026-11-24T22:46:15.212902", "lvl": "target", "msg": "+ sleep 1"}
- {"dt": "2026-11-24T22:46:16.212651", "lvl": "target", "msg": "+ for i in $(seq 1 12)"}
- {"dt": "2026-11-24T22:46:16.214667", "lvl": "target", "msg": "+ echo tick 8"}
- {"dt": "2026-11-24T22:46:16.214853", "lvl": "target", "msg": "tick 8"}
- {"dt": "2026-11-24T22:46:16.214930", "lvl": "target", "msg": "+ sleep 1"}
- {"dt": "2026-11-24T22:46:17.218672", "lvl": "target", "msg": "+ for i in $(seq 1 12)"}
- {"dt": "2026-11-24T22:46:17.219166", "lvl": "target", "msg": "+ echo tick 9"}
- {"dt": "2026-11-24T22:46:17.219371", "lvl": "target", "msg": "tick 9"}
- {"dt": "2026-11-24T22:46:17.219530", "lvl": "target", "msg": "+ sleep 1"}
- {"dt": "2026-11-24T22:46:18.220401", "lvl": "target", "msg": "+ for i in $(seq 1 12)"}
"""#

    /// The `definition` field of GET-internal-v1-jobs-ID.response.json.
    static let definition = #"""
actions:
- deploy:
    image:
      local: true
      name: lava-real/debian:bookworm-slim
    os: debian
    to: docker
- boot:
    command: bash
    method: docker
    prompts:
    - 'root@lava:'
    timeout:
      minutes: 2
- test:
    definitions:
    - from: inline
      name: smoke
      path: inline/smoke.yaml
      repository:
        metadata:
          description: smoke test
          format: Lava-Test Test Definition 1.0
          name: smoke
        run:
          steps:
          - lava-test-case echo-ok --shell echo ok
          - lava-test-case uname --shell uname -a
          - lava-test-case must-fail --shell false
          - for i in $(seq 1 12); do echo tick $i; sleep 1; done
          - lava-test-case after-sleep --shell true
    timeout:
      minutes: 5
compatibility: 0
device_type: docker
job_name: ref-peer docker multi-chunk logs
priority: medium
timeouts:
  action:
    minutes: 5
  connection:
    minutes: 2
  job:
    minutes: 10
visibility: public
"""#
}
