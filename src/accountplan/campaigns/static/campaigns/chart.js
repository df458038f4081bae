/* Draws a campaign's results chart from the Vega-Lite spec embedded with json_script. */
(function () {
  function draw() {
    const holder = document.getElementById("campaign-chart");
    const specNode = document.getElementById("campaign-spec");
    if (!holder || !specNode || !window.vegaEmbed) return;
    const spec = JSON.parse(specNode.textContent);
    window.vegaEmbed(holder, spec, { actions: false, renderer: "svg" }).then(function () {
      holder.dataset.ready = "true";
    }).catch(function (err) {
      holder.textContent = "The chart could not be drawn: " + err;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
