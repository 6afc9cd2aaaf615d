import Foundation
import LavaTestSupport
import Testing

/// server/'s production deployment run as processes on loopback (ScaledOutLab): one server
/// instance dies mid-job and the job goes on through the other.
extension EndToEnd { @Suite struct ScaledOutDeploymentTests {
    @Test("""
        two instances and a scheduler on PostgreSQL behind haproxy: one instance is killed mid-job, pings and log \
        uploads go on through the other, the log has every line once; the instance comes back and haproxy uses it again
        """)
    func instanceKilledMidJob() async throws {
        let count = 400
        try await ScaledOutLab.run { lab in
            let worker = try lab.worker()
            defer { worker.stop() }
            let id = try await lab.submit(JobLifecycleTests.ticking(count, pause: "0.05"))
            try await lab.poll("tick 10 in job \(id)'s log", within: 120) {
                JobLifecycleTests.ticks(try await lab.log(id)).count >= 10 ? () : nil
            }
            // The balancer spreads the worker's requests: both instances have some of each kind.
            let served = try await lab.poll("pings and log lines on both instances", within: 60) {
                let counters = [try await lab.counters(0), try await lab.counters(1)]
                return counters.allSatisfy { $0.pings > 0 && $0.logLines > 0 } ? counters : nil
            }

            lab.killServer(0)
            let printedBeforeKill = JobLifecycleTests.ticks(try await lab.log(id)).count
            try #require(printedBeforeKill < count, "the job ended before the instance was killed; make it print longer")

            let job = try await lab.poll("end of job \(id)", within: 180) {
                let job = try await lab.job(id)
                return job.state == "Finished" ? job : nil
            }
            #expect(job.health == "Complete", "\(job.failureComment)\n\(worker.log)\n\(lab.logs)")
            let log = try await lab.log(id)
            #expect(JobLifecycleTests.ticks(log) == Array(1...count))
            #expect(Set(log).count == log.count, "a line is stored twice")

            // The survivor took the rest of the log and the pings; the worker never went away.
            let after = try await lab.poll("more pings on the remaining instance", within: 60) {
                let counters = try await lab.counters(1)
                return counters.pings > served[1].pings ? counters : nil
            }
            #expect(after.logLines > served[1].logLines)
            #expect(try await lab.workerState() == "Online")
            try await lab.poll("haproxy marking the killed instance down", within: 60) {
                try await lab.balancerStatus()["lava-server-1"]?.hasPrefix("DOWN") == true ? () : nil
            }

            try lab.startServer(0)
            try await lab.poll("haproxy marking the restarted instance up", within: 60) {
                try await lab.balancerStatus()["lava-server-1"] == "UP" ? () : nil
            }
            try await lab.poll("pings on the restarted instance", within: 60) {
                try await lab.counters(0).pings > 0 ? () : nil
            }
        }
    }
}
}
