// LoginOTP.aspx: the 10-minute countdown of #otpTimer, from the server's remaining seconds (data-remaining), and a
// numeric-only code field. No other behaviour: the page works without script.
(() => {
  const timer = document.getElementById("otpTimer");
  if (timer) {
    const end = Date.now() + Number(timer.dataset.remaining || 0) * 1000;
    const pad = (n) => String(n).padStart(2, "0");
    const tick = () => {
      const left = Math.max(0, Math.round((end - Date.now()) / 1000));
      timer.textContent = `${pad(Math.floor(left / 60))}:${pad(left % 60)}`;
      timer.classList.toggle("expiring", left > 0 && left <= 60);
      if (left === 0) {
        timer.classList.add("expired");
        const btn = document.getElementById("btnValider");
        if (btn) btn.disabled = true;
        return;
      }
      setTimeout(tick, 1000 - ((end - Date.now()) % 1000 || 0));
    };
    tick();
  }
  const input = document.getElementById("CodeOTP");
  if (input) {
    input.addEventListener("input", () => {
      const digits = input.value.replace(/\D/g, "").slice(0, 6);
      if (digits !== input.value) input.value = digits;
    });
  }
})();
