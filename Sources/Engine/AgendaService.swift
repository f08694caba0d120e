public import CloudCafeCore
public import ServiceLifecycle

/// The Agenda as a service of the daemon's lifecycle: it follows the running clock until a
/// graceful shutdown, then stops a clock move in progress at its current firing (the move
/// answers with what fired so far) and lets the background work already started (an
/// asynchronous invocation, a delivery) finish, for at most `drainLimit`.
public struct AgendaService: Service {
    let engine: CloudCafeEngine
    let drainLimit: Duration
    /// Opens once the stack is deployed: the clock does not run before.
    let ready: Gate

    public init(engine: CloudCafeEngine, drainLimit: Duration = .seconds(8), ready: Gate = Gate(open: true)) {
        self.engine = engine
        self.drainLimit = drainLimit
        self.ready = ready
    }

    public func run() async throws {
        await ready.wait()
        let agenda = engine.agenda
        // Stopping at once (not waiting for cancellation) lets a move holding the Agenda end.
        await withGracefulShutdownHandler {
            await agenda.run()
        } onGracefulShutdown: {
            agenda.stop()
        }
        let work = engine.dispatcher.work
        let limit = drainLimit
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await work.waitUntilIdle() }
            group.addTask { try? await MachineClock.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }
}
