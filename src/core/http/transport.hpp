// SPDX-License-Identifier: MIT
/// Where an engine's outgoing requests go, passed in rather than built inside: the network
/// (Client and run_batch(), Beast over Asio) in the binary, a fake in tests that answers at once
/// and records what it was asked to send.
#pragma once

#include "core/error.hpp"
#include "core/http/batch.hpp"
#include "core/http/client.hpp"

#include <memory>

namespace hooks::http {

/// One origin, one request at a time: what Client does. Not thread-safe: one per thread.
class Connection {
  public:
    Connection() = default;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    virtual ~Connection() = default;

    /// Sends `request` and waits for its response, as Client::send() does.
    virtual tl::expected<ClientResponse, ClientError> send(const message::Message& request) = 0;
};

/// Opens connections and runs batches. Thread-safe.
class Transport {
  public:
    Transport() = default;
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;
    virtual ~Transport() = default;

    /// A connection to `origin`, as Client::create() makes one.
    virtual Result<std::unique_ptr<Connection>> connect(const Url& origin,
                                                        const ClientOptions& options) const = 0;

    /// Runs a batch, as run_batch() does.
    virtual Result<void> run_batch(const Url& origin, BatchDriver& driver,
                                   const BatchOptions& options) const = 0;
};

/// The network: Client and run_batch().
const Transport& network();

} // namespace hooks::http
