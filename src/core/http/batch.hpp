// SPDX-License-Identifier: MIT
/// Many requests to one origin, a bounded number at a time over keep-alive connections, with
/// waits between a request's attempts and an optional rate bound: the engine under
/// `send --count` and `replay`. What to send, and what to do after each attempt, is the
/// caller's (a BatchDriver); connections, timers and timeouts are the engine's.
#pragma once

#include "core/error.hpp"
#include "core/http/client.hpp"
#include "core/http/wire_request.hpp"

#include <chrono>
#include <cstdint>
#include <optional>

namespace hooks::http {

/// One attempt's result: the response, or why there was none.
using AttemptResult = tl::expected<ClientResponse, ClientError>;

/// A new exchange: the caller's tag for it and its first request (to_wire()).
struct BatchJob {
    std::uint64_t tag = 0;
    WireRequest request;
};

/// Another attempt of the same exchange, after `wait`.
struct BatchRetry {
    std::chrono::milliseconds wait{0};
    /// Whether its request is built afresh when it is due (BatchDriver::rebuild), for schemes
    /// that sign a timestamp; otherwise the same bytes go again.
    bool is_rebuilt = false;
};

/// The caller's side of a batch. The engine never calls two of these at once (the
/// implementation needs no locks), but may call them from any of its threads.
class BatchDriver {
  public:
    BatchDriver() = default;
    BatchDriver(const BatchDriver&) = delete;
    BatchDriver& operator=(const BatchDriver&) = delete;
    virtual ~BatchDriver() = default;

    /// The next exchange to start, or nothing when there is none left. Called whenever the
    /// engine has room for one more exchange; once it returns nothing it is not called again.
    /// An error stops the batch: no new exchanges start, those under way finish, and
    /// run_batch() returns the error.
    virtual Result<std::optional<BatchJob>> next() = 0;

    /// Attempt number `attempt` (1-based) of exchange `tag` finished with `result`. Returns
    /// the next attempt, or nothing when the exchange is over. An error stops the batch like
    /// one from next().
    virtual Result<std::optional<BatchRetry>> finished(std::uint64_t tag, int attempt,
                                                       const AttemptResult& result) = 0;

    /// The request for attempt `attempt` of exchange `tag`, built just before it goes out: called
    /// for the retries that ask for it, so that a signed timestamp is that of the attempt, not
    /// of the failure before it. An error counts as that attempt failing without a response
    /// (Failure::other), and finished() hears of it.
    virtual Result<WireRequest> rebuild(std::uint64_t /*tag*/, int /*attempt*/) {
        return fail(ErrorKind::input, "this batch's requests cannot be built again");
    }

    /// An exchange's request once the engine is done with it (the last attempt's, or one a
    /// retry replaced). A driver that builds requests on another thread can hand them back
    /// there, to be freed (a free on another thread contends for that thread's malloc arena)
    /// or to reuse their buffers.
    virtual void recycle(WireRequest&& /*spent*/) {}

    /// Polled often: true stops the batch gracefully (no new exchanges, no further attempts,
    /// requests on the wire finish); for SIGINT.
    virtual bool should_stop() { return false; }
};

struct BatchOptions {
    /// Requests on the wire at once (connections); at least 1.
    unsigned concurrency = 1;
    /// Exchanges under way at once, counting those waiting for a retry; 0 means 64 times
    /// `concurrency`. Bounds memory when many exchanges wait a long time.
    std::size_t max_open = 0;
    /// New exchanges started per second, spread evenly; 0 for no bound. Retries do not count.
    double rate = 0;
    ClientOptions client;
};

/// Runs the batch against `origin` (http or https; the requests carry their own targets) until
/// the driver has no more exchanges and every exchange is over, or it stops. Returns an error
/// only when the driver returned one; failed attempts are the driver's to judge.
Result<void> run_batch(const Url& origin, BatchDriver& driver, const BatchOptions& options);

} // namespace hooks::http
