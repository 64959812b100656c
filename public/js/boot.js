// Loaded before the bootstrap-italia bundle: its video player would otherwise inject an inline
// <style>, which the Content Security Policy refuses.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
