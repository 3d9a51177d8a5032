import NIOCore
import NIOEmbedded
import Testing

@testable import FastCGI

@Suite("FastCGIConnectionRegistry")
struct FastCGIConnectionRegistryTests {
    @Test("Admits up to the limit; a removed connection's slot is free again")
    func limit() {
        let registry = FastCGIConnectionRegistry(limit: 2)
        let channels = (0..<3).map { _ in EmbeddedChannel() }
        #expect(registry.admit(channels[0]))
        #expect(registry.admit(channels[1]))
        #expect(!registry.admit(channels[2]))
        registry.remove(channels[0])
        #expect(registry.admit(channels[2]))
    }

    @Test("closeAll closes every open connection and refuses later ones")
    func closeAll() throws {
        let registry = FastCGIConnectionRegistry(limit: 10)
        let open = (0..<2).map { _ in EmbeddedChannel() }
        for channel in open {
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9000)).wait()
            #expect(registry.admit(channel))
        }
        registry.closeAll()
        for channel in open {
            #expect(!channel.isActive)
        }
        #expect(!registry.admit(EmbeddedChannel()))
    }

    @Test("waitUntilEmpty returns at once when empty, otherwise after the last connection is removed")
    func waitUntilEmpty() async {
        let registry = FastCGIConnectionRegistry(limit: 10)
        await registry.waitUntilEmpty()
        let channels = (0..<2).map { _ in EmbeddedChannel() }
        for channel in channels {
            #expect(registry.admit(channel))
        }
        let returned = Flag()
        let waiting = Task {
            await registry.waitUntilEmpty()
            returned.set()
        }
        registry.remove(channels[0])
        for _ in 0..<100 {
            await Task.yield()
        }
        #expect(!returned.isSet)
        registry.remove(channels[1])
        await waiting.value
        #expect(returned.isSet)
    }
}
