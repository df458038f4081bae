/* Draws the prioritization grid from the Vega-Lite spec embedded with json_script. */
(function () {
  function draw() {
    const holder = document.getElementById("grid-chart");
    const specNode = document.getElementById("grid-spec");
    if (!holder || !specNode || !window.vegaEmbed) return;
    const spec = JSON.parse(specNode.textContent);
    // One URL for every point: "/accounts/0/" with the point's account id in place of the 0.
    const accountUrl = (spec.usermeta || {}).account_url || "";
    window.vegaEmbed(holder, spec, { actions: false, renderer: "svg" }).then(function (result) {
      holder.dataset.ready = "true";
      result.view.addEventListener("click", function (_event, item) {
        if (item && item.datum && item.datum.id && accountUrl) {
          window.location.href = accountUrl.replace(/\/0\/$/, "/" + item.datum.id + "/");
        }
      });
    }).catch(function (err) {
      holder.textContent = "The chart could not be drawn: " + err;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
