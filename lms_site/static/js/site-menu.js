// The site header's menu on narrow screens: the navigation folds behind a "Menu" button.
// Without this script (or wider than 40rem) the navigation simply shows in full.
(function () {
    var header = document.querySelector(".site-header");
    var toggle = header && header.querySelector(".menu-toggle");
    var nav = header && document.getElementById(toggle ? toggle.getAttribute("aria-controls") : "");
    if (!nav) {
        return;
    }
    function setOpen(open) {
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        nav.classList.toggle("is-open", open);
    }
    toggle.addEventListener("click", function () {
        setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
            setOpen(false);
            toggle.focus();
        }
    });
})();
