import LavaCore

extension JobLog {
    /// LAVA's last lines of a job: the error, if any, and the `lava` `job` result.
    func jobEnded(_ failure: JobError?, duration: String) {
        if let failure {
            error("\(failure.kind.rawValue) error: \(failure.message)")
        }
        var message: ResultsMessage = ["definition": "lava", "case": "job", "result": failure == nil ? "pass" : "fail"]
        message["duration"] = .string(duration)
        if let failure {
            message["error_msg"] = .string(failure.message)
            message["error_type"] = .string(failure.kind.rawValue)
        }
        emit(ResultsLine(message: message).encoded())
    }
}
