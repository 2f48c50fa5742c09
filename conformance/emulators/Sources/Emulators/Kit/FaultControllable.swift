/// An emulator whose fault plan the admin API reads, replaces and adds rules to.
protocol FaultControllable: AnyObject, Sendable {
    /// The plan in force, with the scripted rules' remaining counts.
    var faults: FaultPlan { get }
    /// Replaces the plan (and restarts its random sequence from the plan's seed).
    func setFaults(_ plan: FaultPlan)
    /// Adds a scripted rule after the existing ones.
    func failNext(_ count: Int, method: String?, pathPrefix: String, with fault: Fault)
}

extension SCIMEmulator: FaultControllable {}
extension GitHubEMUEmulator: FaultControllable {}
extension SlackEmulator: FaultControllable {}
extension GoogleEmulator: FaultControllable {}
extension SalesforceEmulator: FaultControllable {}
extension MSGraphEmulator: FaultControllable {}
