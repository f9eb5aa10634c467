// Renderers of the public status page: HTML pages that work without
// JavaScript (they never reload themselves; a link offers it) and, with it,
// patch themselves in place, keeping focus and announcing what changed in a
// polite live region (#sc-announce), a JSON summary
// shaped like the common status-page summary (Statuspage's
// /api/v2/summary.json), and an Atom feed of the public updates.
//
// They only see a StatusPageModel, which holds public fields only; every
// piece of text is escaped for its output (libs/statuspage/markup.h). The
// output depends on the model alone, so an unchanged model renders the same
// bytes (and the same ETag) on every replica.
//
// Links inside HTML are relative ("/incidents/INC-3"), so the page works
// behind any proxy; JSON and Atom carry absolute links from base_url.
// Thread safety: pure functions.
#ifndef STATUSCAST_LIBS_STATUSPAGE_STATUS_PAGE_RENDER_H_
#define STATUSCAST_LIBS_STATUSPAGE_STATUS_PAGE_RENDER_H_

#include <cstddef>
#include <string>

#include "absl/types/optional.h"
#include "libs/statuspage/status_page_model.h"

namespace statuscast {

// The whole page: overall status, components, open incidents with their
// timeline and promise ledger, resolved incidents of the history window.
std::string RenderStatusPageHtml(const StatusPageModel& model);
// One incident's page; nullopt when `ref` is not on the page.
absl::optional<std::string> RenderIncidentPageHtml(const StatusPageModel& model,
                                                   const std::string& ref);
// {page, status{indicator, description}, components, incidents (open),
// scheduled_maintenances}.
std::string RenderSummaryJson(const StatusPageModel& model);
// {page, incidents}: open and resolved incidents of the window, newest first.
std::string RenderIncidentsJson(const StatusPageModel& model);
// Atom 1.0: one entry per public update, newest first, at most `max_entries`.
std::string RenderAtomFeed(const StatusPageModel& model, size_t max_entries = 50);

// A strong ETag for `body` ("\"sp-<16 hex>\"", FNV-1a 64).
std::string ContentEtag(const std::string& body);

// The Content-Security-Policy for the HTML pages: scripts and styles only
// the pages' own inline <script> and <style> (allowed by their SHA-256
// hashes, so an injected one would not run), fetches to the page's own
// origin (the live update), no framing (frame-ancestors 'none'), no
// plugins, no base or form targets. Style attributes stay allowed: the
// markup uses a few, and the live update copies them.
const std::string& StatusPageContentSecurityPolicy();

}  // namespace statuscast

#endif  // STATUSCAST_LIBS_STATUSPAGE_STATUS_PAGE_RENDER_H_
