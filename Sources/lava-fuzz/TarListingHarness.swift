import Foundation
import LavaDispatcher

/// A fetched test-definition archive (any URL a job names): its listing must end in members or
/// `TarListing.Malformed`, in bounded time, whatever the headers say.
enum TarListingHarness {
    static let harness = Harness(name: "tar-listing") { input in
        _ = try? TarListing.members(of: Data(input))
    }
}
