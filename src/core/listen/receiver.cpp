// SPDX-License-Identifier: MIT
#include "core/listen/receiver.hpp"

#include "core/crypto/hmac.hpp"
#include "core/events/delivery.hpp"
#include "core/listen/challenge.hpp"

#include <atomic>
#include <fnmatch.h>
#include <memory>

namespace hooks::listen {
namespace {

/// The headers a forwarded request leaves behind. Expect: the body is here already, and an app
/// honouring `100-continue` answers `100 Continue` ahead of its real answer, which the client
/// would take for the answer. Transfer-Encoding goes too, in to_wire(): the body arrived
/// de-chunked and goes on whole, with a Content-Length (chunked again only when it carried
/// trailer fields, which go on after it). Every other header goes on as it came,
/// in its place and case, duplicates and hop-by-hop ones included, so that the app sees what
/// the sender sent.
bool is_left_behind(std::string_view name) {
    return message::names_equal(name, "Expect");
}

/// The URL the sender used, as Twilio signs it: scheme, the Host header, the target; or, behind
/// a tunnel (--public-url), the public URL's scheme, authority and path prefix, then the target.
std::string request_url(const message::Message& request,
                        const std::optional<http::Url>& public_url) {
    if (public_url) {
        std::string prefix = public_url->has_path ? public_url->target : std::string();
        while (!prefix.empty() && prefix.back() == '/') {
            prefix.pop_back();
        }
        return public_url->scheme + "://" + public_url->authority() + prefix + request.target;
    }
    auto host = request.first_header("Host");
    return "http://" + std::string(host ? *host : "127.0.0.1") + request.target;
}

/// Above this many remembered deliveries the memory is cleared: listen runs for days.
constexpr std::size_t k_max_remembered = 200'000;

} // namespace

Receiver::Receiver(ReceiverConfig config)
    : m_config(std::move(config)), m_random(std::random_device{}()) {
    static std::atomic<std::uint64_t> receivers{0};
    m_connection_prefix = std::to_string(++receivers) + " ";
}

void Receiver::identify(Receipt& delivery) const {
    // A signature (or an id) may come in a trailer field, from a sender that signs while it
    // streams the body: the fields are read from the headers, then the trailers.
    message::Message merged;
    const message::Message& request = message::with_trailers(delivery.record.message, merged);
    const providers::Scheme* scheme = m_config.scheme;
    std::string detect_error;
    if (scheme == nullptr && m_config.is_auto) {
        auto detected = m_config.registry->detect(request);
        if (detected) {
            scheme = detected->scheme;
        } else {
            detect_error = detected.error().message;
        }
    }
    delivery.provider = scheme != nullptr ? scheme->info().name : "";
    auto facts = events::describe_delivery(delivery.provider, request);
    delivery.record.id = facts.id;
    delivery.event_type = facts.event_type;
    delivery.envelope_problems = events::check_envelope(delivery.provider, request.body);
    if (m_config.secrets.empty() || (scheme == nullptr && !m_config.is_auto)) {
        return;
    }
    log::VerifyOutcome outcome{delivery.provider, false, detect_error};
    if (scheme != nullptr) {
        providers::VerifyInput input(request, m_config.secrets);
        input.now = time::unix_millis(*m_config.clock);
        input.tolerance = m_config.tolerance;
        if (scheme->signs_url()) {
            input.url = request_url(request, m_config.public_url);
        }
        auto verified = scheme->verify(input);
        outcome.ok = verified && verified->is_valid;
        if (outcome.ok) {
            delivery.matched_secret = verified->matched_secret;
        }
        outcome.reason = verified ? std::move(verified->reason) : verified.error().message;
    }
    delivery.record.verify = std::move(outcome);
}

unsigned Receiver::count_attempt(const Receipt& delivery) {
    const auto& record = delivery.record;
    std::string key =
        record.id ? "id:" + *record.id
                  : "body:" + crypto::digest(crypto::DigestAlgorithm::sha256, record.message.body);
    std::lock_guard lock(m_seen_mutex);
    if (m_attempts.size() >= k_max_remembered) {
        m_attempts.clear();
    }
    return ++m_attempts[key];
}

bool Receiver::roll_failure() {
    if (m_config.fail_rate <= 0) {
        return false;
    }
    std::lock_guard lock(m_random_mutex);
    return std::uniform_real_distribution<double>(0, 1)(m_random) < m_config.fail_rate;
}

const http::Url* Receiver::forward_target(const Receipt& delivery) const {
    if (delivery.event_type) {
        for (const Route& route : m_config.routes) {
            if (fnmatch(route.pattern.c_str(), delivery.event_type->c_str(), 0) == 0) {
                return &route.url;
            }
        }
    }
    return m_config.forward_to ? &*m_config.forward_to : nullptr;
}

const RespondRule* Receiver::respond_rule(const Receipt& delivery) const {
    const std::string& target = delivery.record.message.target;
    std::string path = target.substr(0, target.find('?'));
    for (const RespondRule& rule : m_config.respond_rules) {
        const std::string* subject = rule.is_path          ? &path
                                     : delivery.event_type ? &*delivery.event_type
                                                           : nullptr;
        if (subject != nullptr && fnmatch(rule.pattern.c_str(), subject->c_str(), 0) == 0) {
            return &rule;
        }
    }
    return nullptr;
}

ForwardOutcome Receiver::forward(const message::Message& request, const http::Url& url) const {
    // One keep-alive connection per forwarding thread, receiver and app.
    thread_local std::unordered_map<std::string, std::unique_ptr<http::Connection>> clients;
    ForwardOutcome outcome;
    message::Message outgoing;
    outgoing.method = request.method;
    outgoing.target = url.has_path ? url.target : request.target;
    outcome.url = url.origin() + outgoing.target;
    // Host names the app, in its place (to_wire() puts one first when there is none);
    // Content-Length stays in its place too, and to_wire() gives it the body's length.
    outgoing.headers.reserve(request.headers.size());
    for (const message::Header& header : request.headers) {
        if (message::names_equal(header.name, "Host")) {
            outgoing.headers.push_back({header.name, url.authority()});
        } else if (!is_left_behind(header.name)) {
            outgoing.headers.push_back(header);
        }
    }
    outgoing.body = request.body;
    outgoing.trailers = request.trailers; // to_wire() sends them after a chunked body
    auto& client = clients[m_connection_prefix + url.origin()];
    if (!client) {
        auto created = m_config.transport->connect(url, m_config.forward_options);
        if (!created) {
            outcome.error = created.error().message;
            return outcome;
        }
        client = std::move(*created);
    }
    auto response = client->send(outgoing);
    if (!response) {
        client.reset(); // a fresh connection next time
        outcome.error = response.error().message;
        return outcome;
    }
    outcome.status = response->status;
    outcome.latency = response->latency;
    outcome.body = std::move(response->body);
    for (const message::Header& header : response->headers) {
        if (message::names_equal(header.name, "Content-Type")) {
            outcome.content_type = header.value;
        }
    }
    return outcome;
}

void settle_log(http::Response& response, Receipt& delivery, const Error* error) {
    if (error == nullptr) {
        return;
    }
    delivery.log_error = error->message;
    response = http::Response{};
    response.status = 500;
    response.body = "hooks listen could not record the delivery\n";
    delivery.record.response_status = response.status; // what every output mode reports
}

std::pair<http::Response, Receipt> Receiver::handle(http::IncomingRequest& request) {
    auto prepared = prepare(request);
    if (m_config.log != nullptr) {
        auto written = m_config.log->append(prepared.second.record);
        settle_log(prepared.first, prepared.second, written ? nullptr : &written.error());
    }
    return prepared;
}

std::optional<http::Response> Receiver::handshake_answer(const Receipt& delivery) const {
    const providers::Secret* secret = nullptr;
    if (!m_config.secrets.empty()) {
        // A correct app answers only a handshake whose signature it checked.
        if (!delivery.record.verify || !delivery.record.verify->ok) {
            return std::nullopt;
        }
        for (const providers::Secret& candidate : m_config.secrets) {
            if (candidate.label == delivery.matched_secret) {
                secret = &candidate;
            }
        }
    }
    return challenge_answer(delivery.provider, delivery.record.message, secret);
}

std::pair<http::Response, Receipt> Receiver::prepare(http::IncomingRequest& request) {
    Receipt delivery;
    log::Record& record = delivery.record;
    record.received_at = m_config.clock->now();
    record.remote = std::move(request.remote);
    record.message = std::move(request.message);
    identify(delivery);

    http::Response response = m_config.response;
    response.delay = m_config.delay;
    // Without a delivery id only --fail-first needs to tell attempts apart (by body).
    unsigned attempt = record.id || m_config.fail_first > 0 ? count_attempt(delivery) : 1;
    delivery.is_redelivery = record.id.has_value() && attempt > 1;
    if (attempt <= m_config.fail_first) {
        delivery.simulated = "--fail-first " + std::to_string(m_config.fail_first) + ": attempt " +
                             std::to_string(attempt);
    } else if (roll_failure()) {
        delivery.simulated = "--fail-rate";
    }
    if (m_config.reject_status && record.verify && !record.verify->ok) {
        // As a correct app does: the sender's own retries and alerts can be tested.
        delivery.is_rejected = true;
        delivery.simulated.clear(); // the rejection is the answer, not a simulated failure
        response.status = *m_config.reject_status;
        response.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
        response.body = "invalid signature (--reject-invalid)\n";
    } else if (!delivery.simulated.empty()) {
        response.status = m_config.fail_status;
        response.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
        response.body = "simulated failure (" + delivery.simulated + ")\n";
    } else if (const RespondRule* rule = respond_rule(delivery)) {
        response.status = rule->response.status;
        response.headers = rule->response.headers;
        response.body = rule->response.body;
    } else if (const http::Url* target = forward_target(delivery)) {
        ForwardOutcome outcome = forward(record.message, *target);
        if (outcome.error.empty()) {
            response.status = outcome.status;
            response.body = outcome.body;
            if (!outcome.content_type.empty()) {
                response.headers.push_back({"Content-Type", outcome.content_type});
            }
        } else {
            response.status = 502;
            response.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
            response.body = "hooks listen could not forward: " + outcome.error + "\n";
        }
        delivery.forward = std::move(outcome);
    } else if (auto handshake = handshake_answer(delivery)) {
        response = std::move(*handshake);
        response.delay = m_config.delay;
        delivery.is_handshake = true;
    }
    record.response_status = response.status;
    return {std::move(response), std::move(delivery)};
}

} // namespace hooks::listen
