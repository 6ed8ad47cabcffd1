// SPDX-License-Identifier: MIT
/// The outgoing connections (batch_connection.cpp talks HTTP; batch.cpp schedules many of them,
/// client.cpp drives one): one keep-alive TCP or TLS connection each carrying one attempt at a
/// time.
#pragma once

#include "core/http/batch.hpp"

#include <memory>
#include <vector>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace hooks::http {

using BatchClock = std::chrono::steady_clock;

/// An attempt to make: now, or at `due` for a retry.
struct BatchAttempt {
    BatchClock::time_point due;
    std::uint64_t tag = 0;
    int attempt = 1;
    WireRequest request;
    bool is_rebuilt = false; ///< its request is to be built again when it is due
};

class BatchConnection;

/// Hears of every attempt's end. Called on the io_context's thread; the connection is free
/// again once it is called, and may be handed the next attempt from within the call.
class BatchConnectionOwner {
  public:
    BatchConnectionOwner() = default;
    BatchConnectionOwner(const BatchConnectionOwner&) = delete;
    BatchConnectionOwner& operator=(const BatchConnectionOwner&) = delete;
    virtual ~BatchConnectionOwner() = default;

    virtual void finished(BatchConnection& connection, BatchAttempt& attempt,
                          const AttemptResult& result) = 0;
};

/// One keep-alive connection carrying one attempt at a time. It connects (and for https
/// completes a TLS handshake) when needed, reconnects when the server closed it, and resends
/// once when a reused connection turns out to be closed already.
class BatchConnection {
  public:
    BatchConnection() = default;
    BatchConnection(const BatchConnection&) = delete;
    BatchConnection& operator=(const BatchConnection&) = delete;
    virtual ~BatchConnection() = default;

    /// Makes `attempt`; its owner hears of the result through finished(), never from within
    /// this call. The request's bytes go out as they are.
    virtual void start(BatchAttempt&& attempt) = 0;

    /// Cuts the attempt under way short as a timeout when its deadline (connect and handshake:
    /// connect_timeout; request and response: timeout) is `now` or earlier.
    virtual void expire(BatchClock::time_point now) = 0;

    /// Closes the connection (an attempt under way fails).
    virtual void close() = 0;
};

/// `count` connections to `origin` (http or https, resolved once, sharing one TLS context),
/// running on `io` and reporting to `owner`. A host that does not resolve, or a CA file that
/// cannot be loaded, fails every attempt.
std::vector<std::unique_ptr<BatchConnection>>
make_batch_connections(boost::asio::io_context& io, const Url& origin, const ClientOptions& options,
                       BatchConnectionOwner& owner, unsigned count);

} // namespace hooks::http
