// SPDX-License-Identifier: MIT
/// What the listen engine does with one request: verify it, say what it is, decide the answer
/// (canned, simulated or forwarded to the app), and record it before answering.
#pragma once

#include "core/http/server.hpp"
#include "core/http/transport.hpp"
#include "core/log/record.hpp"
#include "core/log/writer.hpp"
#include "core/providers/registry.hpp"
#include "core/time/clock.hpp"

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace hooks::listen {

/// `--route 'GLOB=URL'`: deliveries whose event type matches GLOB go to URL.
struct Route {
    std::string pattern;
    http::Url url;
};

/// An answer of `status` with no headers and no body.
inline http::Response answer_with(int status) {
    http::Response response;
    response.status = status;
    return response;
}

/// `--respond 'GLOB=STATUS|@FILE'`: deliveries that GLOB matches get this answer. A GLOB that
/// starts with '/' matches the request's path (without its query), any other its event type.
struct RespondRule {
    std::string pattern;
    bool is_path = false;
    http::Response response; ///< status, headers, body
};

struct ReceiverConfig {
    const providers::Registry* registry = nullptr;
    /// The provider of --provider NAME; null with --provider auto or none.
    const providers::Scheme* scheme = nullptr;
    bool is_auto = false;
    std::vector<providers::Secret> secrets; ///< empty: signatures are not checked
    std::optional<std::chrono::seconds> tolerance;
    /// The answer to deliveries that no rule matches and that are not forwarded (--respond
    /// without a GLOB): 200 and no body unless told otherwise.
    http::Response response = answer_with(200);
    /// Tried in order before forwarding; the first that matches answers.
    std::vector<RespondRule> respond_rules;
    std::chrono::milliseconds delay{0};
    unsigned fail_first = 0;
    double fail_rate = 0;
    int fail_status = 500;
    /// The status answered to a delivery whose signature does not verify (--reject-invalid),
    /// as a correct app answers; empty: such deliveries are answered as any other.
    std::optional<int> reject_status;
    std::optional<http::Url> forward_to;
    /// The URL the provider delivers to when a tunnel sits in front (--public-url): URL-signed
    /// schemes (Twilio) are verified against it instead of http://HOST/TARGET as received.
    std::optional<http::Url> public_url;
    std::vector<Route> routes;
    http::ClientOptions forward_options;
    /// Where deliveries are recorded before they are answered; null records nothing.
    log::Sink* log = nullptr;
    /// received_at and the verification's "now". Must outlive the receiver.
    const time::Clock* clock = &time::system_clock();
    /// Where forwarded deliveries go. Must outlive the receiver.
    const http::Transport* transport = &http::network();
};

/// The app's answer to a forwarded delivery, or why there was none.
struct ForwardOutcome {
    std::string url;
    int status = 0;
    std::chrono::microseconds latency{0};
    std::string content_type;
    std::string body;
    std::string error; ///< non-empty when the app could not be reached
};

/// What listen made of one request: the record as logged, what it is, and how it was answered;
/// everything an observer shows.
struct Receipt {
    log::Record record;
    std::string provider;
    std::optional<std::string> event_type;
    bool is_redelivery = false;
    std::vector<std::string> envelope_problems;
    std::optional<ForwardOutcome> forward;
    std::string simulated;    ///< why the answer is a simulated failure, or empty
    bool is_rejected = false; ///< answered --reject-invalid's status: the signature did not verify
    /// Listen answered the provider's handshake itself (Zoom's URL validation, Twitch's
    /// callback verification, Dropbox's challenge, Slack's url_verification).
    bool is_handshake = false;
    std::string matched_secret; ///< the label of the secret that verified, or empty
    std::string log_error;      ///< the log could not be written: the sender got a 500
};

/// After the log write for a delivery: on failure (`error` set) the sender gets a 500 and the
/// delivery shows why.
void settle_log(http::Response& response, Receipt& receipt, const Error* error);

/// Thread-safe: the server calls `handle` from several threads.
class Receiver {
  public:
    explicit Receiver(ReceiverConfig config);

    /// The answer for the sender and what to show about the delivery, recorded in the log.
    std::pair<http::Response, Receipt> handle(http::IncomingRequest& request);

    /// handle() without the log write: with a log, the caller must write `receipt.record`
    /// (which holds the response status) and then call settle_log().
    std::pair<http::Response, Receipt> prepare(http::IncomingRequest& request);
    /// The provider's handshake answer when the delivery is one and is not forwarded, verified
    /// when secrets are given (Zoom's needs the secret that verified).
    std::optional<http::Response> handshake_answer(const Receipt& delivery) const;

  private:
    void identify(Receipt& receipt) const;
    unsigned count_attempt(const Receipt& receipt);
    bool roll_failure();
    ForwardOutcome forward(const message::Message& request, const http::Url& url) const;
    const http::Url* forward_target(const Receipt& receipt) const;
    const RespondRule* respond_rule(const Receipt& receipt) const;

    ReceiverConfig m_config;
    std::string m_connection_prefix; ///< tells this receiver's forwarding connections apart
    std::mutex m_seen_mutex;
    std::unordered_map<std::string, unsigned> m_attempts; ///< delivery key -> attempts so far
    std::mutex m_random_mutex;
    std::mt19937_64 m_random;
};

} // namespace hooks::listen
