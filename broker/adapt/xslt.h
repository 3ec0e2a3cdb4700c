// Owners for libxslt handles. The only place in ozgbus that calls libxslt's free functions.
#pragma once

#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>

#include <memory>

namespace ozgbus::broker {

struct StylesheetDeleter {
  void operator()(xsltStylesheet* s) const { xsltFreeStylesheet(s); }  // frees its document too
};
struct TransformCtxtDeleter {
  void operator()(xsltTransformContext* c) const { xsltFreeTransformContext(c); }
};
struct SecurityPrefsDeleter {
  void operator()(xsltSecurityPrefs* p) const { xsltFreeSecurityPrefs(p); }
};

using Stylesheet = std::unique_ptr<xsltStylesheet, StylesheetDeleter>;
using TransformCtxt = std::unique_ptr<xsltTransformContext, TransformCtxtDeleter>;
using SecurityPrefs = std::unique_ptr<xsltSecurityPrefs, SecurityPrefsDeleter>;

}  // namespace ozgbus::broker
