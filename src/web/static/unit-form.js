// Bleibe unit form: a map with a draggable pin and a postal-code lookup. The form works
// without this script; it only makes finding the house and its municipality easier.
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  var latInput = byId("f-lat");
  var lonInput = byId("f-lon");
  var postal = byId("f-postal_code");
  var town = byId("f-town");
  var status = byId("place-status");
  var mapBox = byId("unit-map");

  // Fixed-term leases need an end date; open-ended ones do not.
  function syncLeaseEnd() {
    var fixed = byId("f-lease_type-fixed_term");
    var end = byId("f-lease_end");
    if (!fixed || !end) { return; }
    var box = end.closest(".field");
    if (box) { box.hidden = !fixed.checked; }
  }
  document.querySelectorAll("input[name=lease_type]").forEach(function (el) {
    el.addEventListener("change", syncLeaseEnd);
  });
  syncLeaseEnd();

  var map = null;
  var marker = null;

  function place(lat, lon, zoom) {
    if (!map) { return; }
    var point = [lat, lon];
    if (marker) { marker.setLatLng(point); } else {
      marker = L.marker(point, { draggable: true, keyboard: true, title: mapBox.dataset.pinLabel || "" }).addTo(map);
      marker.on("dragend", function () {
        var p = marker.getLatLng();
        latInput.value = p.lat.toFixed(6);
        lonInput.value = p.lng.toFixed(6);
      });
      // Without a mouse: focus the pin (Tab) and move it with the arrow keys, 10 screen
      // pixels a press (1 with Shift held).
      marker.getElement().addEventListener("keydown", function (e) {
        var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
        var move = moves[e.key];
        if (!move) { return; }
        e.preventDefault();
        var step = e.shiftKey ? 1 : 10;
        var at = map.latLngToContainerPoint(marker.getLatLng());
        var to = map.containerPointToLatLng([at.x + move[0] * step, at.y + move[1] * step]);
        marker.setLatLng(to);
        latInput.value = to.lat.toFixed(6);
        lonInput.value = to.lng.toFixed(6);
      });
    }
    map.setView(point, zoom || map.getZoom());
  }

  if (mapBox && window.L && latInput && lonInput) {
    L.Icon.Default.imagePath = "/static/leaflet/images/";
    mapBox.hidden = false;
    map = L.map(mapBox, { scrollWheelZoom: false }).setView([48.66, 9.0], 7);
    window.bleibeNameZoom(map);
    var tiles = mapBox.dataset.tiles;
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: mapBox.dataset.attribution || "" }).addTo(map);
    } else if (window.bleibePlaceNames) {
      window.bleibePlaceNames(map);
    }
    fetch("/static/geo/DE-BW.geojson").then(function (r) { return r.json(); }).then(function (outline) {
      L.geoJSON(outline, { style: { color: "#0b5c4a", weight: 2, fillOpacity: 0.04 } }).addTo(map);
    }).catch(function () { /* the map works without the outline */ });
    var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
    if (!isNaN(lat) && !isNaN(lon)) { place(lat, lon, 15); }
    map.on("click", function (e) {
      latInput.value = e.latlng.lat.toFixed(6);
      lonInput.value = e.latlng.lng.toFixed(6);
      place(e.latlng.lat, e.latlng.lng);
    });
  }

  if (postal) {
    postal.addEventListener("change", function () {
      var code = postal.value.trim();
      if (!/^\d{5}$/.test(code)) { return; }
      fetch("/geo/postal/" + code, { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (found) {
          if (!found) { return; }
          if (town && !town.value.trim()) { town.value = found.place; }
          if (status) { status.textContent = found.message; }
          latInput.value = found.lat.toFixed(6);
          lonInput.value = found.lon.toFixed(6);
          place(found.lat, found.lon, 14);
        })
        .catch(function () { /* keep the form as it is */ });
    });
  }
})();
