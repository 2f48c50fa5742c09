import Foundation
import SCIM
import TestSupport
import Testing

@testable import Server
@testable import Store

@Suite("Channels and authentication: credential cache")
struct AuthCacheTests {
    @Test("a removed credential opens its channel until the cache lifetime ends, then never")
    func revocationTakesEffectAfterTheLifetime() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("a")
            let channel = try #require(try await bridge.store.channel(named: "a"))
            let cache = AuthCache(lifetime: .seconds(60))
            let authenticator = ChannelAuthenticator(store: bridge.store, accessTokens: AccessTokens(), cache: cache)

            #expect(try await authenticator.authenticate(authorization: "Bearer \(token)", channelName: "a") == channel)
            try await bridge.store.removeCredentials(of: .bearer, from: channel)
            bridge.statements.reset()
            #expect(
                try await authenticator.authenticate(authorization: "Bearer  \(token) ", channelName: "a") == channel
            )
            #expect(bridge.statements.all.isEmpty, "a cached credential reads nothing")

            // Past the lifetime the entry is gone, and the store says no.
            let key = AuthCache.key(authorization: "bearer \(token)", channelName: "a")
            #expect(cache.channel(forCredential: key) == channel)
            #expect(cache.channel(forCredential: key, now: .now + .seconds(61)) == nil)
            let uncached = ChannelAuthenticator(
                store: bridge.store,
                accessTokens: AccessTokens(),
                cache: AuthCache(lifetime: .zero)
            )
            await #expect(throws: SCIMError.self) {
                try await uncached.authenticate(authorization: "Bearer \(token)", channelName: "a")
            }
        }
    }

    @Test("a cached credential opens only its own channel, and a refused one is never cached")
    func cacheIsPerChannelAndOnlyForSuccesses() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("a")
            _ = try await bridge.channel("b")
            let authenticator = ChannelAuthenticator(store: bridge.store, accessTokens: AccessTokens())

            _ = try await authenticator.authenticate(authorization: "Bearer \(token)", channelName: "a")
            await #expect(throws: SCIMError.self) {
                try await authenticator.authenticate(authorization: "Bearer \(token)", channelName: "b")
            }
            for _ in 0..<2 {
                bridge.statements.reset()
                await #expect(throws: SCIMError.self) {
                    try await authenticator.authenticate(authorization: "Bearer \(token)x", channelName: "a")
                }
                #expect(!bridge.statements.all.isEmpty, "a refused credential is checked against the store every time")
            }
        }
    }

    @Test("spaces and tabs around the credential are ignored")
    func trimming() {
        #expect(ChannelAuthenticator.trimmingSpaces(" \t abc \t") == "abc")
        #expect(ChannelAuthenticator.trimmingSpaces("a b") == "a b")
        #expect(ChannelAuthenticator.trimmingSpaces("  ") == "")
    }
}
