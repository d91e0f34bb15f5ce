// Bleibe overview map: units by status and households' important places. The page lists
// every point as a table too, so it works without this script and without tiles.
(function () {
  "use strict";
  var box = document.getElementById("overview-map");
  if (!box || !window.L) { return; }
  var colours = {
    submitted: "#8a5a00", checked: "#3b5b7a", available: "#0b5c4a", reserved: "#b3261e",
    let: "#5a6470", withdrawn: "#999999"
  };
  box.hidden = false;

  var map = L.map(box, { scrollWheelZoom: false })
    .setView([parseFloat(box.dataset.lat) || 48.7, parseFloat(box.dataset.lon) || 9.3], 12);
  window.bleibeNameZoom(map);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution || "" }).addTo(map);
  } else if (window.bleibePlaceNames) {
    window.bleibePlaceNames(map);
  }
  fetch("/static/geo/DE-BW.geojson").then(function (r) { return r.json(); }).then(function (outline) {
    L.geoJSON(outline, { style: { color: "#0b5c4a", weight: 2, fillOpacity: 0.03 }, interactive: false }).addTo(map);
  }).catch(function () { /* the map works without the outline */ });
  function escape(text) {
    var d = document.createElement("div");
    d.textContent = text;
    return d.innerHTML;
  }
  fetch(box.dataset.points, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (points) {
      var bounds = [];
      points.forEach(function (p) {
        var unit = p.kind === "unit";
        var marker = L.circleMarker([p.lat, p.lon], {
          radius: unit ? 8 : 5,
          color: unit ? (colours[p.status] || "#0b5c4a") : "#6a1b9a",
          weight: 2,
          fillOpacity: unit ? 0.8 : 0.35
        }).addTo(map);
        marker.bindPopup('<a href="' + escape(p.href) + '">' + escape(p.label) + "</a><br>" + escape(p.detail));
        bounds.push([p.lat, p.lon]);
      });
      if (bounds.length > 0) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 }); }
    })
    .catch(function () { /* the list below the map shows every point */ });
})();
