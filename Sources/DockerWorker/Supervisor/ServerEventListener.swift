import Curl
import LavaClient
import Logging
import ServiceLifecycle

/// The supervisor's ear on the server's event stream (`--ws-url`, default `<url>/ws/`): each
/// (re)connection, which is how a restarted or upgraded server shows itself, and each
/// announcement, such as the next version, make the version monitor ask at once instead of at
/// its interval. So a new version's image is pulled as soon as the server is back, while the
/// old worker drains. It listens anonymously: it needs no job's events.
public struct ServerEventListener: Service {
    private let watch: EventWatch
    private let monitor: ServerVersionMonitor

    public init(url: String, configuration: CurlConfiguration, monitor: ServerVersionMonitor, logger: Logger) {
        var watch = EventWatch(url: url, identity: nil, configuration: configuration, logger: logger) { EventNudge.announces($0) }
        watch.meanwhile = "a new server version is heard at the next version check"
        self.watch = watch
        self.monitor = monitor
    }

    public func run() async {
        await cancelWhenGracefulShutdown { [watch, monitor] in
            await watch.run { monitor.askNow() }
        }
    }
}
