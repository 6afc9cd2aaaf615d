import Foundation
import Hummingbird
import LavaCore
import SQLKit

/// `/api/v0.2/jobs/…`: submit, list, show, log, results, cancel (spec §9).
struct JobsAPI: Sendable {
    let server: Server
    let scheduler: SchedulerService?

    func addRoutes(to router: Router<LavaRequestContext>) {
        let group = router.group("api/v0.2/jobs")
        group.get { request, _ in try await list(request) }
        group.post { request, _ in try await submit(request) }
        group.get(":id") { request, context in try await show(request, context) }
        group.get(":id/logs") { request, context in try await logs(request, context) }
        group.get(":id/tests") { request, context in try await tests(request, context) }
        group.get(":id/cancel") { request, context in try await cancel(request, context) }
        group.post(":id/cancel") { request, context in try await cancel(request, context) }
    }

    struct Submission: Decodable {
        var definition: String
    }

    struct Submitted: Encodable {
        var message: String
        var jobIDs: [Int]

        enum CodingKeys: String, CodingKey {
            case message
            case jobIDs = "job_ids"
        }
    }

    /// LAVA answers `{"message": …}` for refused submissions; `error` carries the same text so
    /// every error of this server has an `error` key.
    struct Refused: Encodable {
        var message: String
        var error: String
    }

    private func refuse(_ message: String) throws -> Response {
        try JSONResponse.make(Refused(message: message, error: message), status: .badRequest)
    }

    func submit(_ request: Request) async throws -> Response {
        let user = try await RESTAuth(server: server).requireUser(request)
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: 4 * 1024 * 1024)
        } catch {
            throw APIError(.contentTooLarge, "Job definition too large: the limit is 4 MiB")
        }
        let yaml: String
        if request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
            guard let text = body.withUnsafeReadableBytes({ FormBody($0) })["definition"] else {
                return try refuse("Missing 'definition'")
            }
            yaml = text
        } else {
            guard let submission = try? JSONDecoder().decode(Submission.self, from: Data(buffer: body)) else {
                return try refuse("Send JSON {\"definition\": \"<job YAML>\"}")
            }
            yaml = submission.definition
        }
        let id: Int
        switch try await JobSubmission(server: server).submit(yaml, by: user) {
        case .success(let inserted): id = inserted
        case .failure(let refusal): return try refuse(refusal.message)
        }
        scheduler?.wake()
        return try JSONResponse.make(Submitted(message: "job(s) successfully submitted", jobIDs: [id]), status: .created)
    }

    func list(_ request: Request) async throws -> Response {
        let page = try PageRequest(request)
        let parameters = request.uri.queryParameters
        var query = JobQuery(limit: page.limit, offset: page.offset)
        if let text = parameters.get("state") {
            guard let state = JobState(name: text) else { throw APIError(.badRequest, "Invalid 'state': one of \(JobState.allCases.map(\.name).joined(separator: ", "))") }
            query.state = state
        }
        if let text = parameters.get("health") {
            guard let health = JobHealth(name: text) else { throw APIError(.badRequest, "Invalid 'health': one of \(JobHealth.allCases.map(\.name).joined(separator: ", "))") }
            query.health = health
        }
        let viewer = try await RESTAuth(server: server).user(request)
        query.viewer = viewer
        let filter = query
        let (count, views) = try await server.database.read { db in
            let (count, jobs) = try await JobStore.list(db, filter)
            var views: [JobView] = []
            for job in jobs { views.append(try await JobView.make(db, job, viewer: viewer)) }
            return (count, views)
        }
        return try JSONResponse.make(page.page(views, count: count, request: request))
    }

    func show(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let (job, viewer) = try await visibleJob(request, context)
        return try JSONResponse.make(try await server.database.read { try await JobView.make($0, job, viewer: viewer) })
    }

    /// The job of the route, if the requester may see it; else the same 404 as for no job, so
    /// that a private job's existence is not told either.
    private func visibleJob(_ request: Request, _ context: LavaRequestContext) async throws -> (JobRecord, UserRecord?) {
        let job = try await server.job(named: context)
        let viewer = try await RESTAuth(server: server).user(request)
        guard try await server.database.read({ try await JobAccess.canView($0, job, viewer: viewer) }) else {
            throw APIError.unknownJob(String(job.id))
        }
        return (job, viewer)
    }

    func logs(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let (job, _) = try await visibleJob(request, context)
        let parameters = request.uri.queryParameters
        let lines = 0...RequestInteger.maxPosition
        let start = try parameters.get("start").map { (text) throws(APIError) in try RequestInteger.parse(text, field: "start", in: lines) } ?? 0
        let end = try parameters.get("end").map { (text) throws(APIError) in try RequestInteger.parse(text, field: "end", in: lines) }
        guard let response = try await JobLogResponse.make(server.logs, job: job, start: start, end: end,
                                                           headers: [.contentType: "application/yaml"])
        else { throw APIError(.notFound, "Job '\(job.id)' has no log yet") }
        return response
    }

    func tests(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let (job, _) = try await visibleJob(request, context)
        let page = try PageRequest(request)
        let (count, cases) = try await server.database.read {
            try await TestCaseStore.list($0, jobID: job.id, limit: page.limit, offset: page.offset)
        }
        return try JSONResponse.make(page.page(cases.map(TestCaseView.init), count: count, request: request))
    }

    func cancel(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let user = try await RESTAuth(server: server).requireUser(request)
        let (job, _) = try await visibleJob(request, context)
        guard JobAccess.canCancel(job, by: user) else {
            throw APIError(.forbidden, "Only the submitter '\(job.submitter)' or an admin may cancel job \(job.id)")
        }
        switch try await JobTransitions(server: server).cancel(jobID: job.id) {
        case .unknownJob: throw APIError(.notFound, "Unknown job '\(job.id)'")
        case .alreadyFinished: throw APIError(.badRequest, "Job \(job.id) has already finished")
        case .canceled, .canceling:
            scheduler?.wake()
            return try JSONResponse.make(["message": "Job cancel signal sent."])
        }
    }
}

/// A job as the REST API shows it (LAVA's field names, plus `worker`).
struct JobView: Encodable, Sendable {
    var id: Int
    var submitter: String
    var description: String
    var requestedDeviceType: String
    var actualDevice: String?
    var worker: String?
    var submitTime: String?
    var startTime: String?
    var endTime: String?
    var state: String
    var health: String
    var priority: Int
    var definition: String
    var errorType: String
    var failureComment: String
    var healthCheck = false
    var tags: [String] = []
    var viewingGroups: [String] = []
    /// Only admins see job tokens, as in LAVA.
    var token: String?

    enum CodingKeys: String, CodingKey {
        case id, submitter, description, worker, state, health, priority, definition, tags, token
        case requestedDeviceType = "requested_device_type"
        case actualDevice = "actual_device"
        case submitTime = "submit_time"
        case startTime = "start_time"
        case endTime = "end_time"
        case errorType = "error_type"
        case failureComment = "failure_comment"
        case healthCheck = "health_check"
        case viewingGroups = "viewing_groups"
    }

    /// Written out so absent values read `null`, as in LAVA, instead of vanishing; the token
    /// alone is left out for non-admins.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(submitter, forKey: .submitter)
        try container.encode(description, forKey: .description)
        try container.encode(requestedDeviceType, forKey: .requestedDeviceType)
        try container.encode(actualDevice, forKey: .actualDevice)
        try container.encode(worker, forKey: .worker)
        try container.encode(submitTime, forKey: .submitTime)
        try container.encode(startTime, forKey: .startTime)
        try container.encode(endTime, forKey: .endTime)
        try container.encode(state, forKey: .state)
        try container.encode(health, forKey: .health)
        try container.encode(priority, forKey: .priority)
        try container.encode(definition, forKey: .definition)
        try container.encode(errorType, forKey: .errorType)
        try container.encode(failureComment, forKey: .failureComment)
        try container.encode(healthCheck, forKey: .healthCheck)
        try container.encode(tags, forKey: .tags)
        try container.encode(viewingGroups, forKey: .viewingGroups)
        try container.encodeIfPresent(token, forKey: .token)
    }

    /// With the groups of a group job, which live in their own table.
    static func make(_ db: any SQLDatabase, _ job: JobRecord, viewer: UserRecord?) async throws -> JobView {
        var view = JobView(job, viewer: viewer)
        if job.visibility == .group { view.viewingGroups = try await JobStore.viewingGroups(db, id: job.id) }
        return view
    }

    init(_ job: JobRecord, viewer: UserRecord?) {
        id = job.id
        submitter = job.submitter
        description = job.description
        requestedDeviceType = job.deviceType
        actualDevice = job.device
        worker = job.worker
        submitTime = Timestamp.iso(job.submitTime)
        startTime = Timestamp.iso(job.startTime)
        endTime = Timestamp.iso(job.endTime)
        state = job.state.name
        health = job.health.name
        priority = job.priority
        definition = SecretMasking.shown(job.definition, visibility: job.visibility)
        errorType = job.errorType
        failureComment = job.failureComment
        token = viewer?.isAdmin == true ? job.token : nil
    }
}

/// A test case as `/jobs/<id>/tests/` shows it (LAVA's field names).
struct TestCaseView: Encodable, Sendable {
    var id: Int
    var suite: String
    var name: String
    var result: String
    var measurement: Double?
    var unit: String?
    var testSet: String?
    var startLogLine: Int?
    var endLogLine: Int?
    var logLine: Int
    var metadata: String

    enum CodingKeys: String, CodingKey {
        case id, suite, name, result, measurement, unit, metadata
        case testSet = "test_set"
        case startLogLine = "start_log_line"
        case endLogLine = "end_log_line"
        case logLine = "log_line"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(suite, forKey: .suite)
        try container.encode(name, forKey: .name)
        try container.encode(result, forKey: .result)
        try container.encode(measurement, forKey: .measurement)
        try container.encode(unit, forKey: .unit)
        try container.encode(testSet, forKey: .testSet)
        try container.encode(startLogLine, forKey: .startLogLine)
        try container.encode(endLogLine, forKey: .endLogLine)
        try container.encode(logLine, forKey: .logLine)
        try container.encode(metadata, forKey: .metadata)
    }

    init(_ row: TestCaseRow) {
        id = row.id
        suite = row.record.suite
        name = row.record.name
        result = row.record.result
        measurement = row.record.measurement
        unit = row.record.units
        testSet = row.record.testSet
        startLogLine = row.record.startLogLine
        endLogLine = row.record.endLogLine
        logLine = row.logLine
        metadata = row.record.metadata
    }
}
