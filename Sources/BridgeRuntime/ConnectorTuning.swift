/// Connector settings the configuration file does not expose; nil keeps the connector's own default.
/// Production leaves them all nil; tests shorten the waits so that a run takes seconds.
package struct ConnectorTuning: Sendable {
    /// Members per Slack group write.
    package var slackBatchSize: Int?
    /// How long after creating a group a 404 about it is taken for Google's propagation delay.
    package var googleCreationGrace: Duration?
    /// How long a Salesforce org is left alone after `REQUEST_LIMIT_EXCEEDED`.
    package var salesforceRequestLimitPause: Duration?
    /// Members per Microsoft Graph add and requests per `$batch` (at most Graph's 20).
    package var msgraphBatchSize: Int?

    package init(
        slackBatchSize: Int? = nil,
        googleCreationGrace: Duration? = nil,
        salesforceRequestLimitPause: Duration? = nil,
        msgraphBatchSize: Int? = nil
    ) {
        self.slackBatchSize = slackBatchSize
        self.googleCreationGrace = googleCreationGrace
        self.salesforceRequestLimitPause = salesforceRequestLimitPause
        self.msgraphBatchSize = msgraphBatchSize
    }
}
