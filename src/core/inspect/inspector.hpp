// SPDX-License-Identifier: MIT
/// The inspect engine: the browser inspector's server. It serves the page (embedded, or from
/// disk with --ui-assets) and a JSON API over a Store: the list, a live stream of new
/// deliveries (Server-Sent Events, resumed by seq), a delivery's detail with its verification
/// explained, HAR and JSONL downloads, and actions (check an edited copy, re-sign it, replay it
/// to the configured destination). Secrets stay here: the page sees verdicts and reasons.
///
/// Security: it binds loopback only; a Host header other than 127.0.0.1, localhost or [::1]
/// with its port gets 421 (DNS rebinding); every /api/ request needs the per-run token, and a
/// POST also a JSON content type and no cross-site Origin or Sec-Fetch-Site (403); every answer
/// carries a Content-Security-Policy that allows only the page's own origin; replay goes only
/// to the destination given at start, never to one the page names.
#pragma once

#include "core/error.hpp"
#include "core/http/server.hpp"
#include "core/http/transport.hpp"
#include "core/inspect/store.hpp"
#include "core/inspect/views.hpp"
#include "core/providers/registry.hpp"
#include "core/time/clock.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace hooks::inspect {

/// `--route GLOB=URL` of listen: where a replay of a delivery whose event type matches goes.
struct ReplayRoute {
    std::string pattern;
    http::Url url;
};

struct InspectorConfig {
    std::string mode = "inspect"; ///< "listen" or "inspect", shown by the page
    std::string source;           ///< "127.0.0.1:8080" or the file's name
    std::string version;          ///< hooks' version, for HAR's creator
    /// The per-run token every /api/ request must carry; make_token() makes one.
    std::string token;
    /// Serve the page from this folder instead of the embedded copy (development).
    std::string assets_dir;
    const providers::Registry* registry = nullptr;
    const providers::Scheme* scheme = nullptr; ///< --provider NAME; null for auto or none
    bool is_auto = false;
    std::vector<providers::Secret> secrets; ///< empty: the recorded verdicts are shown
    std::optional<std::chrono::seconds> tolerance;
    /// Where replays go: the route whose GLOB matches the event type, else `replay_to`; none
    /// of them: replay is refused (409).
    std::optional<http::Url> replay_to;
    std::vector<ReplayRoute> routes;
    http::ClientOptions replay_options;
    /// The port the Host header must name; bind() sets it (tests that call handle() set it).
    std::uint16_t port = 0;
    /// How long a stream request waits for a new delivery before it ends with a keep-alive.
    std::chrono::milliseconds stream_wait{15'000};
    /// The clock that re-signing and checking use (verification of a recorded delivery uses the
    /// time it arrived). Must outlive the inspector.
    const time::Clock* clock = &time::system_clock();
    /// Where replays go out. Must outlive the inspector.
    const http::Transport* transport = &http::network();
};

/// 32 lowercase hex characters from a cryptographic random source.
std::string make_token();

class Inspector {
  public:
    /// `store` must outlive the inspector.
    Inspector(InspectorConfig config, Store& store);
    Inspector(const Inspector&) = delete;
    Inspector& operator=(const Inspector&) = delete;
    /// Stops serving and answers the streams still waiting.
    ~Inspector();

    /// Binds `host` (which must be a loopback address: 127.0.0.1, ::1 or localhost) and `port`
    /// (0 picks a free one). Fails (config error) for any other host, or as http::Server::bind.
    Result<void> bind(const std::string& host, std::uint16_t port);
    const std::string& host() const;
    std::uint16_t port() const { return m_config.port; }
    /// "http://127.0.0.1:PORT/#token=TOKEN": what to open (the token stays in the fragment,
    /// which the browser never sends nor puts in a Referer).
    std::string url() const;

    /// Serves until stop(). Call once, after bind().
    void run();
    /// Thread-safe; also before run().
    void stop();

    /// One request other than the stream, answered at once (the server calls it; tests do too).
    http::Response handle(const http::IncomingRequest& request);

    /// The verdict shown for an entry: verified again with the secrets (at the time it
    /// arrived), or as recorded when there are none; nothing when neither.
    std::optional<Verification> verify_entry(const Entry& entry) const;

  private:
    struct Waiter {
        std::uint64_t after = 0;
        http::Responder responder;
        std::chrono::steady_clock::time_point deadline;
    };

    std::optional<http::Response> refuse(const http::IncomingRequest& request) const;
    http::Response route_api(const http::IncomingRequest& request, std::string_view path);
    http::Response delivery_api(const http::IncomingRequest& request, std::string_view rest);
    http::Response info() const;
    http::Response check(const Entry& entry, std::string_view body) const;
    http::Response replay(const Entry& entry, std::string_view body) const;
    const providers::Scheme* scheme_for(const Entry& entry) const;
    /// `entry` as the page may see it: a credential the provider sends as its "signature"
    /// (GitLab's token, Postmark's Basic auth) masked.
    Entry shown_entry(const Entry& entry) const;
    /// The attempts of `kept`'s delivery id still in the store, as the detail lists them
    /// (none read back from the log).
    std::vector<Attempt> attempts_of(const Kept& kept) const;
    /// Signs `message` afresh (the entry's id, the clock's time); why not, when it cannot be.
    std::optional<std::string> resign(const Entry& entry, message::Message& message,
                                      const std::string& url) const;
    const http::Url* destination_for(const Entry& entry) const;
    void handle_async(http::IncomingRequest& request, http::Responder responder);
    http::Response stream_batch(std::uint64_t after) const;
    void push_loop();

    InspectorConfig m_config;
    Store& m_store;
    std::unique_ptr<http::Server> m_server;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<Waiter> m_waiters; ///< guarded by m_mutex
    /// Set by each add; only the add that turns it on takes m_mutex to wake the pusher.
    std::atomic<bool> m_has_new = false;
    bool m_is_stopping = false; ///< guarded by m_mutex
    std::thread m_pusher;
};

} // namespace hooks::inspect
