import ServiceLifecycle

extension StopSignal {
    /// Returns once the service running in this task is asked to shut down gracefully (by its
    /// `ServiceGroup`), the task is cancelled, or the signal is fired by other means.
    func waitForGracefulShutdown() async {
        await withGracefulShutdownHandler {
            await wait()
        } onGracefulShutdown: {
            self.fire()
        }
    }
}
