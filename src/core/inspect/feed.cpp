// SPDX-License-Identifier: MIT
#include "core/inspect/feed.hpp"

#include "core/events/delivery.hpp"
#include "core/inspect/arrival.hpp"
#include "core/log/source.hpp"

namespace hooks::inspect {

Entry entry_from(listen::Receipt&& receipt) {
    Entry entry;
    entry.record = std::move(receipt.record);
    entry.provider = std::move(receipt.provider);
    entry.event_type = std::move(receipt.event_type);
    entry.is_redelivery = receipt.is_redelivery;
    return entry;
}

void ListenFeed::on_delivery(const listen::Receipt& receipt) {
    m_next.on_delivery(receipt);
}

void ListenFeed::keep(listen::Receipt&& receipt, const log::Logged& logged) {
    m_store.add(entry_from(std::move(receipt)), logged);
}

void ListenFeed::on_rejection(const http::Rejection& rejection) {
    m_next.on_rejection(rejection);
}

namespace {

/// The provider of a record: as its recorded verification names it, else the given one, else
/// detected (empty when nothing decides).
std::string provider_of(const log::Record& record, const LoadOptions& options) {
    if (options.scheme != nullptr) {
        return options.scheme->info().name;
    }
    if (record.verify && !record.verify->provider.empty()) {
        return record.verify->provider;
    }
    if (options.registry == nullptr) {
        return "";
    }
    message::Message merged;
    auto detected = options.registry->detect(message::with_trailers(record.message, merged));
    return detected ? detected->scheme->info().name : "";
}

/// Verifies `record` again as of the time it arrived; the outcome replaces the recorded one.
void verify_again(log::Record& record, const std::string& provider, const LoadOptions& options) {
    const providers::Scheme* scheme = options.scheme;
    if (scheme == nullptr && !provider.empty() && options.registry != nullptr) {
        auto found = options.registry->find(provider);
        scheme = found ? *found : nullptr;
    }
    if (scheme == nullptr) {
        if (options.is_auto) {
            record.verify = log::VerifyOutcome{"", false, "cannot tell the provider"};
        }
        return;
    }
    message::Message merged;
    const message::Message& message = message::with_trailers(record.message, merged);
    auto verified =
        scheme->verify(input_as_arrived(message, record, options.secrets, options.tolerance));
    record.verify = log::VerifyOutcome{scheme->info().name, verified && verified->is_valid,
                                       verified ? verified->reason : verified.error().message};
}

} // namespace

Result<LoadSummary> load(std::istream& input, const std::string& name, const LoadOptions& options,
                         Store& store) {
    auto source = log::Source::open(input, name);
    if (!source) {
        return tl::unexpected(source.error());
    }
    LoadSummary summary;
    while (true) {
        auto next = (*source)->next();
        if (!next) {
            return tl::unexpected(next.error()); // "NAME:LINE: reason"
        }
        if (!*next) {
            break;
        }
        Entry entry;
        entry.record = std::move(**next);
        entry.provider = provider_of(entry.record, options);
        if (!options.secrets.empty()) {
            verify_again(entry.record, entry.provider, options);
        }
        message::Message merged;
        auto facts = events::describe_delivery(
            entry.provider, message::with_trailers(entry.record.message, merged));
        if (!entry.record.id) {
            entry.record.id = facts.id;
        }
        entry.event_type = facts.event_type;
        store.add(std::move(entry));
        ++summary.records;
    }
    summary.dropped = summary.records > store.limit() ? summary.records - store.limit() : 0;
    summary.warning = (*source)->warning();
    return summary;
}

} // namespace hooks::inspect
