// Boost.URL 1.81 ships no compiled library on Debian; this one translation
// unit builds it header-only (see <boost/url/src.hpp>).
#include <boost/url/src.hpp>
