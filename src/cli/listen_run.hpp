// SPDX-License-Identifier: MIT
/// `hooks listen`'s run: the flags it was given, and the listener that the server's threads
/// share while it serves (delivery handling, group commit of the log, output, --count).
#pragma once

#include "cli/common_options.hpp"
#include "cli/context.hpp"
#include "cli/listen_print.hpp"
#include "cli/listen_receiver.hpp"
#include "core/http/server.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace hooks::cli {

struct ListenOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    ProviderOptions provider;
    SecretOptions secrets;
    std::optional<long long> tolerance_seconds;
    std::string log_path;
    std::string forward_to;
    std::string public_url;
    std::vector<std::string> routes;
    std::vector<std::string> responds; ///< --respond [GLOB=]STATUS|@FILE, in order
    std::string delay = "0";
    unsigned fail_first = 0;
    double fail_rate = 0;
    int fail_status = 500;
    /// --reject-invalid [STATUS]: empty when not given; "" as given without a status.
    std::optional<std::string> reject_invalid;
    std::uint64_t max_body = 16ULL * 1024 * 1024;
    std::size_t max_connections = 1024;
    unsigned threads = 0;
    std::optional<std::uint64_t> count;
    std::string timeout;
    bool requires_valid = false;
    bool is_quiet = false;
    bool shows_headers = false;
    OutputOptions output;
};

/// Counts deliveries and invalid ones, and stops the server at --count or --timeout.
struct Progress {
    std::mutex mutex;
    std::condition_variable changed;
    std::atomic<std::uint64_t> deliveries = 0;
    std::atomic<std::uint64_t> invalid = 0;
    bool is_finished = false;
    bool has_timed_out = false;
};

/// One running listener: what the server's threads share while it serves. `options` and
/// `context` must outlive it.
class Listening {
  public:
    Listening(const ListenOptions& options, Context& context, ReceiverConfig config);

    /// One delivery, logged on its own (forwarding, or no log): the answer for the sender.
    http::Response handle(http::IncomingRequest& request);

    /// Group commit: the delivery waits for one log write with the others of this I/O
    /// thread's turn (finish_turn).
    void handle_later(http::IncomingRequest& request, http::Responder responder);

    /// The end of an I/O thread's turn: one write for its deliveries, then their answers, so
    /// that every delivery acknowledged is in the log first.
    void finish_turn();

    /// Shows a request the server answered itself (unless --quiet).
    void reject(const http::Rejection& rejection);

    /// Serves until --count, --timeout, stop or a signal; the exit code.
    Result<int> serve(http::Server& server, std::optional<std::chrono::milliseconds> timeout);

  private:
    void conclude(const Delivery& delivery);
    void finish_early(bool has_stopped);

    const ListenOptions& m_options;
    Context& m_context;
    log::Writer* m_log;
    Receiver m_receiver;
    PrintStyle m_style;
    Progress m_progress;
    std::mutex m_output_mutex;
    http::Server* m_server = nullptr;
};

} // namespace hooks::cli
