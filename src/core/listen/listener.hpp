// SPDX-License-Identifier: MIT
/// The listen engine: a server on a loopback port whose every request goes through a Receiver
/// (verify, identify, answer), is recorded before it is answered (group commit: one log write
/// per turn of an I/O thread), and is reported to an observer. Usable without a terminal.
#pragma once

#include "core/http/server.hpp"
#include "core/listen/receiver.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace hooks::listen {

/// What the engine reports as it serves. Called from the server's threads, possibly several at
/// once: an observer that prints serializes its own output.
class Observer {
  public:
    Observer() = default;
    Observer(const Observer&) = delete;
    Observer& operator=(const Observer&) = delete;
    virtual ~Observer() = default;

    /// A delivery, once it is recorded (or failed to be) and as its answer goes out.
    virtual void on_delivery(const Receipt& receipt) = 0;

    /// Right after on_delivery(), the same receipt to keep: the listener is done with it, so an
    /// observer that stores deliveries (the inspector's feed) takes it without a copy. With it,
    /// `logged`: when the log wrote it in a batch, its line as the batch holds it (seq 0), so
    /// that it need not be written again, and where in the file the log put it (which the
    /// store can read back instead of keeping the line); else empty. Valid during the call
    /// only. By default both are dropped.
    virtual void keep(Receipt&& /*receipt*/, const log::Logged& /*logged*/) {}
    /// Whether keep() wants to know where the log put each delivery: asking costs a system
    /// call per batch. Asked once, when the listener is made.
    virtual bool wants_places() const { return false; }

    /// A request the server answered itself (400, 408, 413, 431, 503) or that was cut short.
    virtual void on_rejection(const http::Rejection& rejection) = 0;
};

/// When to stop serving besides stop().
struct StopWhen {
    std::optional<std::uint64_t> count;             ///< after this many deliveries
    std::optional<std::chrono::milliseconds> after; ///< after this long (timed out)
    /// Polled every 50 ms: true stops serving (SIGINT, SIGTERM). Requests in flight finish.
    std::function<bool()> should_stop;
};

/// How serving ended.
struct Outcome {
    std::uint64_t deliveries = 0;
    std::uint64_t invalid = 0; ///< of them, those whose signature did not verify
    bool has_timed_out = false;
    bool was_told_to_stop = false; ///< StopWhen::should_stop ended it
};

class Listener {
  public:
    /// `config.log` and `observer` must outlive the listener.
    Listener(ReceiverConfig config, Observer& observer);
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
    ~Listener();

    /// Binds the server (ServerOptions::port 0 picks a free port). With a log and nothing to
    /// forward, deliveries are logged on the I/O threads, one write per turn of a thread's
    /// event loop for all it read; forwarding blocks, on a pool of its own, where each
    /// delivery is logged alone. Fails as http::Server::bind does.
    Result<void> bind(http::ServerOptions options);

    /// The bound address and port (after bind()).
    const std::string& host() const;
    std::uint16_t port() const;

    /// Serves until `when` says or stop(). Call once, after bind().
    Outcome run(const StopWhen& when);

    /// Thread-safe; also before run(), which then returns at once.
    void stop();

    /// One delivery, logged on its own: the answer for the sender.
    http::Response handle(http::IncomingRequest& request);

    /// Group commit: the delivery waits for one log write with the others of this I/O thread's
    /// turn (finish_turn).
    void handle_later(http::IncomingRequest& request, http::Responder responder);

    /// The end of an I/O thread's turn: one write for its deliveries, then their answers, so
    /// that every delivery acknowledged is in the log first.
    void finish_turn();

  private:
    void conclude(Receipt& receipt, const log::Logged& logged = {});
    void finish(bool has_stopped);
    void watch(const StopWhen& when);

    log::Sink* m_log;
    bool m_is_forwarding;
    Receiver m_receiver;
    Observer& m_observer;
    bool m_wants_places; ///< m_observer.wants_places()
    std::unique_ptr<http::Server> m_server;
    std::optional<std::uint64_t> m_count;
    std::atomic<std::uint64_t> m_deliveries{0};
    std::atomic<std::uint64_t> m_invalid{0};
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_is_finished = false; ///< guarded by m_mutex
    bool m_has_timed_out = false;
    bool m_was_told_to_stop = false;
};

} // namespace hooks::listen
